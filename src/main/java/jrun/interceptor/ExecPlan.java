package jrun.interceptor;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import jrun.JrunException;

/**
 * What the launcher execs once Java is done: a resolved path and the argv. Sent on the plan fd as
 * NUL-terminated fields: "JRUNPLAN1", the argv count, the path, then each argv entry
 * (see src/main/c/launcher.c, run_java_for_plan).
 */
public record ExecPlan(String path, List<String> argv) {
    static final String MAGIC = "JRUNPLAN1";

    public byte[] encode() {
        StringBuilder sb = new StringBuilder(256);
        sb.append(MAGIC).append('\0').append(argv.size()).append('\0').append(path).append('\0');
        for (String a : argv) {
            if (a.indexOf('\0') >= 0) throw new JrunException("runtime argument contains a NUL byte");
            sb.append(a).append('\0');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Writes the plan to the launcher's pipe, opened through /proc/self/fd (Java has no fd-number API). */
    public void send(int fd) {
        try (OutputStream out = new FileOutputStream("/proc/self/fd/" + fd)) {
            out.write(encode());
        } catch (IOException e) {
            throw new JrunException("cannot hand the plan to the launcher on fd " + fd + ": " + e.getMessage(), e);
        }
    }
}
