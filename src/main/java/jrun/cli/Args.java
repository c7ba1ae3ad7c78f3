package jrun.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jrun.JrunException;

/**
 * A small command-line reader in runc's style: "--name value", "--name=value", "-n value",
 * boolean flags, then positional arguments. Hand-written because picocli costs ~190 ms of
 * startup (shared/notes/machine-facts.md) and we parse a dozen flags.
 */
final class Args {
    private final String command;
    private final List<String> in;
    private int at;
    private final List<String> positional = new ArrayList<>();

    Args(String command, List<String> in) {
        this.command = command;
        this.in = in;
    }

    /** Reads options; valueFlags take a value, boolFlags do not. Calls back for each option. */
    interface Sink {
        void option(String name, String value);
    }

    List<String> parse(Set<String> valueFlags, Set<String> boolFlags, Sink sink) {
        boolean onlyPositional = false;
        for (at = 0; at < in.size(); at++) {
            String a = in.get(at);
            if (onlyPositional || !a.startsWith("-") || a.equals("-")) {
                positional.add(a);
                continue;
            }
            if (a.equals("--")) {
                onlyPositional = true;
                continue;
            }
            String name = a, value = null;
            int eq = a.indexOf('=');
            if (eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            if (valueFlags.contains(name)) {
                if (value == null) {
                    if (at + 1 >= in.size()) throw JrunException.usage(command + ": flag " + name + " needs a value");
                    value = in.get(++at);
                }
                sink.option(name, value);
            } else if (boolFlags.contains(name)) {
                if (value != null && !value.equals("true") && !value.equals("false"))
                    throw JrunException.usage(command + ": flag " + name + " takes no value");
                sink.option(name, value == null ? "true" : value);
            } else {
                throw JrunException.usage(command + ": unknown flag " + name);
            }
        }
        return positional;
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
