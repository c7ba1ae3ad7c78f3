package jrun.runtime;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads /proc/PID/stat: a process's start time (clock ticks since boot) and state. The start
 * time is stored with the pid so a reused pid is never taken for our container.
 */
public final class ProcStat {
    private ProcStat() {}

    /** Start time of pid, or -1 if there is no such process or it is a zombie. */
    public static long liveStartTime(long pid) {
        String stat = read("/proc/" + pid + "/stat");
        if (stat == null) return -1;
        int close = stat.lastIndexOf(')'); // the command name may hold spaces and parentheses
        String[] f = stat.substring(close + 2).split(" ");
        if (f.length < 20 || f[0].equals("Z") || f[0].equals("X")) return -1;
        return Long.parseLong(f[19]); // field 22 of stat; f[0] is field 3
    }

    public static boolean isAlive(long pid, long startTime) {
        return pid > 0 && liveStartTime(pid) == startTime;
    }

    /** procfs reports size 0, so read with a plain loop until EOF (never trust the size). */
    public static String read(String path) {
        try (InputStream in = new FileInputStream(path)) {
            byte[] buf = new byte[4096];
            StringBuilder sb = new StringBuilder();
            int n;
            while ((n = in.read(buf)) > 0) sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            return sb.toString();
        } catch (IOException e) {
            return null;
        }
    }
}
