package jrun.runtime;

import java.util.List;

import jrun.JrunException;

/** Signal names and numbers as runc accepts them: "9", "KILL", "SIGKILL" (any case). */
public final class Signals {
    private Signals() {}

    private static final List<String> NAMES = List.of("", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE",
            "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN",
            "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS");

    public static int parse(String s) {
        if (digits(s)) {
            int n;
            try {
                n = Integer.parseInt(s);
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n >= 0 && n <= 64) return n; // 0 probes, as runc accepts it
            throw JrunException.usage("invalid signal \"" + s + "\"");
        }
        String name = upperAscii(s);
        if (name.startsWith("SIG")) name = name.substring(3);
        if (name.equals("IOT")) return 6;
        if (name.equals("CLD")) return 17;
        if (name.equals("POLL")) return 29;
        int i = NAMES.indexOf(name);
        if (i > 0) return i;
        if (name.startsWith("RTMIN")) return rt(name.substring(5), 34, s);
        if (name.startsWith("RTMAX")) return rt(name.substring(5), 64, s);
        throw JrunException.usage("invalid signal \"" + s + "\"");
    }

    // Loops, not chars().allMatch() and toUpperCase(Locale): the stream and Locale machinery cost
    // ~0.6 ms of every exec and kill in the interpreter; signal names are ASCII.
    private static boolean digits(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
        return true;
    }

    private static String upperAscii(String s) {
        char[] c = s.toCharArray();
        for (int i = 0; i < c.length; i++) if (c[i] >= 'a' && c[i] <= 'z') c[i] -= 'a' - 'A';
        return new String(c);
    }

    private static int rt(String rest, int base, String s) {
        if (rest.isEmpty()) return base;
        try {
            int n = base + Integer.parseInt(rest);
            if (n >= 34 && n <= 64) return n;
        } catch (NumberFormatException e) {
            // fall through
        }
        throw JrunException.usage("invalid signal \"" + s + "\"");
    }
}
