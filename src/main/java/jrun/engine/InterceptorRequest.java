package jrun.engine;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import jrun.Invocation;
import jrun.JrunException;
import jrun.interceptor.InterceptorArgs;
import jrun.interceptor.RuntimeCall;

/**
 * bin/oci-interceptor's request (src/main/c/engine_plan.c): the create/run/restore rewrite of a
 * bundle's config.json, done by the cold path's own code (jrun.cli.InterceptorMain) in a
 * request's Invocation, answered with the exec plan; the launcher execs the runtime itself.
 *
 * <pre>
 *   JRUNOCI1 build cwd argc argv... envc env...     fds: stdin stdout stderr
 *   answer: 'F' | 'A' 'P' u32-length plan | 'A' 'X' status
 * </pre>
 * Falls back (F) for a command line naming a file relative to the caller's directory other than
 * the bundle and --process (rule files, the debug directory, --log, a runtime path), and for the
 * `rules` tooling: the JVM's file calls resolve against the engine's directory, not the caller's.
 */
final class InterceptorRequest {
    private InterceptorRequest() {}

    static void serve(Engine engine, int c, List<String> f, int[] fds, long t0) throws IOException {
        Request r = Request.of(f);
        if (!engine.sameBuild(r.build()) || fds[2] < 0 || !r.cwd().startsWith("/") || !servable(r.argv())) {
            engine.fellBack(c);
            return;
        }
        if (Engine.TIMING) Timing.mark("fields");
        Engine.reply(c, 'A');
        if (Engine.TIMING) Timing.mark("A");
        PrintStream out = new PrintStream(new BufferedOutputStream(new EngineNative.FdOut(fds[1]), 8192), false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new BufferedOutputStream(new EngineNative.FdOut(fds[2]), 8192), false, StandardCharsets.UTF_8);
        int[] status = new int[1];
        byte[] plan = plan(r, new EngineNative.FdIn(fds[0]), out, err, status);
        if (Engine.TIMING) Timing.mark("rewrite");
        out.flush();
        err.flush();
        if (status[0] == 0 && plan != null) {
            byte[] answer = ByteBuffer.allocate(5 + plan.length).put((byte) 'P').putInt(plan.length).put(plan).array();
            EngineNative.write0(c, answer, 0, answer.length);
        } else {
            EngineNative.write0(c, new byte[] {'X', (byte) status[0]}, 0, 2);
        }
        if (Engine.TIMING) Timing.mark("answered");
        engine.served(t0);
    }

    /** Runs the call (the cold path's code) in the request's Invocation: the plan's bytes, or null; the status in status[0]. */
    private static byte[] plan(Request r, InputStream in, PrintStream out, PrintStream err, int[] status) {
        Invocation inv = Invocation.of(in, out, err, Path.of(r.cwd()), r.env(), null);
        byte[][] plan = new byte[1][];
        status[0] = inv.call(() -> jrun.cli.InterceptorMain.execute(r.argv().toArray(String[]::new), p -> plan[0] = p.encode()));
        return plan[0];
    }

    /**
     * Runs a request's Java path {@code rounds} times on a private bundle (a temp directory, 0700)
     * with output discarded, so the JIT has compiled it before the first client comes: a fresh
     * engine served its first ~200 rewrites interpreted, 1.2-1.7 ms each against 0.25-0.5 ms
     * compiled (JRUN_ENGINE_TIMING). Each round forces an env value, so config.json is rewritten
     * and replaced every time, as for a new container; {@code received} gets each request as it
     * would come from a client, for the engine's own steps. Returns what it did, for the log; any
     * failure only ends the warm-up.
     */
    static String warmUp(String build, int rounds, java.util.function.Consumer<byte[]> received) {
        long t0 = System.nanoTime();
        Path dir = null;
        int done = 0;
        String stop = "";
        try {
            dir = java.nio.file.Files.createTempDirectory("jrun-engine-warmup-");
            byte[] spec;
            try (InputStream s = InterceptorRequest.class.getResourceAsStream("/jrun/spec-default.json")) {
                if (s == null) return "no warm-up: no default spec";
                spec = s.readAllBytes();
            }
            java.nio.file.Files.write(dir.resolve("config.json"), spec);
            PrintStream nul = new PrintStream(java.io.OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
            InputStream none = InputStream.nullInputStream();
            int[] status = new int[1];
            for (int i = 0; i < rounds; i++) {
                List<String> argv = List.of("--oi-runtime-path", "/bin/sh", "--oi-readonly-networking-mounts", "--oi-env", "JRUN_WARMUP=1",
                        "--oi-env-force", "JRUN_WARMUP_ROUND=" + i, "create", "--bundle", ".", "warmup");
                List<String> f = new ArrayList<>(List.of("JRUNOCI1", build, dir.toString(), Integer.toString(argv.size())));
                f.addAll(argv);
                f.addAll(List.of("1", "PATH=/usr/sbin:/usr/bin:/sbin:/bin"));
                received.accept(Request.wire(f)); // the engine's own steps of a request (Engine.warmRequest)
                Request r = Request.of(f);
                if (!servable(r.argv()) || plan(r, none, nul, nul, status) == null) {
                    stop = " (stopped: status " + status[0] + ")";
                    break;
                }
                done++;
            }
        } catch (IOException | RuntimeException e) {
            stop = " (stopped: " + e + ")";
        } finally {
            if (dir != null) {
                try (var files = java.nio.file.Files.list(dir)) {
                    for (Path p : (Iterable<Path>) files::iterator) java.nio.file.Files.deleteIfExists(p);
                    java.nio.file.Files.deleteIfExists(dir);
                } catch (IOException ignored) {
                    // a temp directory left in /tmp
                }
            }
        }
        return "warmed up: " + done + " rewrites in " + (System.nanoTime() - t0) / 1_000_000 + " ms" + stop;
    }

    private static final byte[] MAGIC = "JRUNOCI1\0".getBytes(StandardCharsets.US_ASCII);

    /**
     * Whether a request (its first chunk) may be served on the engine's accepting thread, which
     * then accepts nothing else until it is done: an oci-interceptor request, whole in that chunk,
     * whose command line names no file that could make the engine wait (a rule file or debug
     * output, which may be a FIFO; a --log that exists and is not a regular file). config.json and
     * --process are opened non-blocking and must be regular files; the host's rules.d and CDI
     * specs are root's. Judged on the raw fields, before any parsing: any doubt goes to a thread.
     */
    static boolean inline(byte[] buf, int n) {
        if (n < 4 + MAGIC.length) return false;
        int len = (buf[0] & 0xff) << 24 | (buf[1] & 0xff) << 16 | (buf[2] & 0xff) << 8 | buf[3] & 0xff;
        if (len <= 0 || len > n - 4 || !java.util.Arrays.equals(buf, 4, 4 + MAGIC.length, MAGIC, 0, MAGIC.length)) return false;
        boolean logNext = false;
        for (int s = 4, i = 4; i < 4 + len; i++) {
            if (buf[i] != 0) continue;
            String field = new String(buf, s, i - s, StandardCharsets.UTF_8);
            s = i + 1;
            if (logNext && !quietLog(field)) return false;
            logNext = field.equals("--log");
            if (field.startsWith("--log=") && !quietLog(field.substring(6))) return false;
            if (field.startsWith("--oi-rules") || field.startsWith("--oi-write-debug-output") || field.startsWith("--oi-debug-output-dir")) return false;
        }
        return true;
    }

    /** A --log an error line may be appended to without waiting: missing, relative (refused later), or a regular file. */
    private static boolean quietLog(String path) {
        if (!path.startsWith("/")) return true;
        Path p = Path.of(path);
        return java.nio.file.Files.isRegularFile(p) || !java.nio.file.Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    /** Whether the engine can run this command line as the caller would (see the class comment). */
    static boolean servable(List<String> argv) {
        InterceptorArgs a;
        try {
            a = InterceptorArgs.parse(argv);
        } catch (JrunException e) {
            return true; // the error line is the same warm
        }
        List<String> rest = a.runtimeArgs();
        if (!rest.isEmpty() && rest.get(0).equals("rules")) return false;
        if (a.runtimePath().contains("/") && !a.runtimePath().startsWith("/")) return false;
        for (String r : a.rulePaths()) if (!r.startsWith("/")) return false;
        if (a.writeDebugOutput() && !a.debugOutputDir().startsWith("/")) return false;
        String log = RuntimeCall.findLog(argv).logFile();
        RuntimeCall call = RuntimeCall.parse(rest);
        return (log == null || log.startsWith("/")) && (call.logFile() == null || call.logFile().startsWith("/"));
    }
}
