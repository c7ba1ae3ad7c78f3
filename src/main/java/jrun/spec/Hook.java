package jrun.spec;

import java.util.List;

import jrun.JrunException;

/** One hook: an absolute path, its argv (args[0] included), env, and an optional timeout. */
public record Hook(String path, List<String> args, List<String> env, int timeoutSeconds, String where) {
    static Hook from(Fields f) {
        String path = f.str("path");
        if (!path.startsWith("/")) throw new JrunException(f.path("path") + ": must be absolute, got \"" + path + "\"");
        long t = f.integer("timeout", 1, Integer.MAX_VALUE, 0);
        if (f.has("timeout") && t <= 0) throw new JrunException(f.path("timeout") + ": must be positive");
        return new Hook(path, f.strings("args"), f.strings("env"), (int) t, f.here());
    }
}
