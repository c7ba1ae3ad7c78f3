package jrun.cli;

import java.util.ArrayList;
import java.util.List;

import jrun.JrunException;

/**
 * A small command-line reader in runc's style, driven by a command's description. Hand-written
 * because picocli costs ~190 ms of startup (shared/notes/machine-facts.md) and we parse a dozen flags.
 *
 * <p>A description is one String[] that this parser, the help ({@link Help}) and the build's man
 * pages and bash completion ({@link ManPages}) all read, so they cannot disagree:
 * <pre>
 *   {NAME, ARGUMENTS, SUMMARY, DESCRIPTION,
 *    NAMES, VALUE, HELP,     one triple per flag
 *    ...}
 * </pre>
 * NAMES are the flag's spellings separated by spaces, the first the canonical one the command
 * sees ("--bundle -b"); VALUE names the flag's value ("DIR"), or is "" for a switch. DESCRIPTION
 * is paragraphs separated by blank lines; a paragraph whose lines start with two spaces is shown
 * as it is written. As in Go's flag package (runc's parser), one dash or two are the same:
 * -root, --root, -b and --b. A switch takes =true or =false. --help and -h ask for the help.
 */
public final class Args {
    private Args() {}

    /** Where a description's flag triples start. */
    public static final int HEAD = 4;

    /**
     * The "exit code" of the JrunException that asks for a command's help (its message is the
     * command's name): a JrunException, not a class of its own, because a create must load no
     * class the help needs, and a class thrown or caught is loaded when its method is verified.
     */
    static final int HELP_REQUESTED = -1;

    static JrunException helpRequested(String[] spec) {
        return new JrunException(spec[0], HELP_REQUESTED, null);
    }

    /** Called for each flag with its canonical name and its value ("true"/"false" for a switch). */
    interface Sink {
        void option(String name, String value);
    }

    static List<String> parse(String[] spec, List<String> in, Sink sink) {
        return parse(spec, in, sink, false);
    }

    /**
     * Reads flags and returns the positional arguments. firstEnds: the first positional argument
     * ends the flags, and it and everything after it are returned as they are (exec ID COMMAND...,
     * ps ID PS-ARGS...); else flags and arguments may mix. "--" always ends the flags.
     */
    static List<String> parse(String[] spec, List<String> in, Sink sink, boolean firstEnds) {
        List<String> positional = new ArrayList<>();
        boolean onlyPositional = false;
        for (int at = 0; at < in.size(); at++) {
            String a = in.get(at);
            if (onlyPositional || a.length() < 2 || a.charAt(0) != '-') {
                positional.add(a);
                if (firstEnds) onlyPositional = true;
                continue;
            }
            if (a.equals("--")) {
                onlyPositional = true;
                continue;
            }
            int eq = a.indexOf('=');
            String name = eq > 0 ? a.substring(0, eq) : a;
            int f = find(spec, name);
            if (f < 0) {
                if (isHelp(name)) throw helpRequested(spec);
                throw JrunException.usage(spec[0] + ": unknown flag " + name);
            }
            String value = eq > 0 ? a.substring(eq + 1) : null;
            if (takesValue(spec, f)) {
                if (value == null) {
                    if (at + 1 >= in.size()) throw JrunException.usage(spec[0] + ": flag " + name + " needs a value");
                    value = in.get(++at);
                }
            } else if (value == null) {
                value = "true";
            } else if (!value.equals("true") && !value.equals("false")) {
                throw JrunException.usage(spec[0] + ": flag " + name + " takes no value");
            }
            sink.option(canonical(spec, f), value);
        }
        return positional;
    }

    /** The index of the flag triple that spells name ("--root", "-root", "-b", "--b"), or -1. */
    static int find(String[] spec, String name) {
        int skip = name.startsWith("--") ? 2 : name.startsWith("-") ? 1 : 0;
        for (int i = HEAD; i < spec.length; i += 3) if (spells(spec[i], name, skip)) return i;
        return -1;
    }

    /** Whether one of names, dashes aside, is name.substring(skip). A loop, not split: this runs on every create. */
    private static boolean spells(String names, String name, int skip) {
        int len = name.length() - skip, n = names.length(), at = 0;
        while (at < n) {
            while (at < n && names.charAt(at) == '-') at++;
            int end = names.indexOf(' ', at);
            if (end < 0) end = n;
            if (end - at == len && names.regionMatches(at, name, skip, len)) return true;
            at = end + 1;
        }
        return false;
    }

    static boolean takesValue(String[] spec, int flag) {
        return !spec[flag + 1].isEmpty();
    }

    /** The first of a flag's spellings: the one the command's switch names. */
    static String canonical(String[] spec, int flag) {
        String names = spec[flag];
        int sp = names.indexOf(' ');
        return sp < 0 ? names : names.substring(0, sp);
    }

    static boolean isHelp(String name) {
        return name.equals("--help") || name.equals("-h") || name.equals("-help") || name.equals("--h");
    }

    static String oneId(String command, List<String> positional) {
        if (positional.size() != 1)
            throw JrunException.usage(command + ": expects exactly one container id, got " + positional.size() + " arguments");
        return positional.get(0);
    }

    static int nonNegative(String flag, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 0) return n;
        } catch (NumberFormatException e) {
            // below
        }
        throw JrunException.usage(flag + ": expected a non-negative number, got \"" + value + "\"");
    }
}
