package jrun.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields every client request starts with (engine_wire.h's engine_request): MAGIC build cwd
 * argc argv... envc env..., then the kind's own fields from {@code next} on (JRUNENG1 and JRUNROC1:
 * the pre-forked helper's pid; JRUNOCI1: none).
 */
record Request(String build, String cwd, List<String> argv, Map<String, String> env, int next) {
    static Request of(List<String> f) {
        int at = 1;
        String build = f.get(at++), cwd = f.get(at++);
        int argc = Integer.parseInt(f.get(at++));
        List<String> argv = new ArrayList<>(f.subList(at, at + argc));
        at += argc;
        int envc = Integer.parseInt(f.get(at++));
        Map<String, String> env = new HashMap<>();
        for (String kv : f.subList(at, at + envc)) {
            int eq = kv.indexOf('=');
            if (eq > 0) env.putIfAbsent(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return new Request(build, cwd, argv, env, at + envc);
    }

    /** The pre-forked helper's pid, the field after env (JRUNENG1, JRUNROC1): 0 for none. */
    long helper(List<String> f) {
        return Long.parseLong(f.get(next));
    }

    /** Fields on the wire as a client sends them (engine_wire.h's engine_request): u32 length, then each field NUL-terminated. */
    static byte[] wire(List<String> fields) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream(2048);
        b.writeBytes(new byte[4]);
        for (String x : fields) {
            b.writeBytes(x.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            b.write(0);
        }
        byte[] raw = b.toByteArray();
        java.nio.ByteBuffer.wrap(raw).putInt(raw.length - 4);
        return raw;
    }

    /** How many fds came: the received slots before the first unused (-1) one. */
    static int fdCount(int[] fds) {
        int n = 0;
        while (n < fds.length && fds[n] >= 0) n++;
        return n;
    }
}
