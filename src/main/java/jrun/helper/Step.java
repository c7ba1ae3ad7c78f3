package jrun.helper;

import java.util.List;

/**
 * One thing for the helper to do, and where it came from in config.json ("mounts[3]",
 * "linux.devices[0]", "process.args"), so a failure can name the field at fault.
 * Argument types follow the op's signature: s String, u Long, v List&lt;String&gt;, b byte[].
 */
public record Step(Op op, List<Object> args, String origin) {
    public Step {
        args = List.copyOf(args);
        if (args.size() != op.signature.length())
            throw new IllegalArgumentException(op + " takes " + op.signature.length() + " fields, got " + args.size());
        for (int i = 0; i < args.size(); i++) {
            Object a = args.get(i);
            boolean ok = switch (op.signature.charAt(i)) {
                case 's' -> a instanceof String s && s.indexOf('\0') < 0;
                case 'u' -> a instanceof Long;
                case 'v' -> a instanceof List<?> l && strings(l);
                case 'b' -> a instanceof byte[];
                default -> false;
            };
            if (!ok) throw new IllegalArgumentException(op + " field " + i + ": wrong type or a NUL byte: " + a);
        }
    }

    /** Whether every element is a String without NUL (a loop: a stream here cost ~0.4 ms of a create's first use). */
    private static boolean strings(List<?> l) {
        for (Object x : l) if (!(x instanceof String s) || s.indexOf('\0') >= 0) return false;
        return true;
    }

    public static Step of(Op op, String origin, Object... args) {
        return new Step(op, List.of(args), origin);
    }

    public String text(int i) {
        return (String) args.get(i);
    }

    public long number(int i) {
        return (Long) args.get(i);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(op.name());
        for (Object a : args) sb.append(' ').append(a instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : a);
        return sb.toString();
    }
}
