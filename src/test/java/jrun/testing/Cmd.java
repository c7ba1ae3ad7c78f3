package jrun.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command with a timeout and captures its output; never hangs a test run. */
public final class Cmd {
    public record Result(int exit, String out, String err) {
        public String both() {
            return out + err;
        }

        @Override
        public String toString() {
            return "exit=" + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Cmd() {}

    public static Result run(List<String> argv) {
        return run(argv, null, Map.of(), 120);
    }

    public static Result run(String... argv) {
        return run(List.of(argv));
    }

    public static Result sh(String script) {
        return run(List.of("sh", "-c", script));
    }

    public static Result run(List<String> argv, Path cwd, Map<String, String> env, int timeoutSeconds) {
        try {
            ProcessBuilder pb = new ProcessBuilder(argv);
            if (cwd != null) pb.directory(cwd.toFile());
            pb.environment().putAll(env);
            // stdout and stderr go to files, so nothing blocks on a full pipe and the timed wait is the only wait
            File out = File.createTempFile("cmd", ".out");
            File err = File.createTempFile("cmd", ".err");
            try {
                pb.redirectOutput(out).redirectError(err).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                Process p = pb.start();
                if (!waitOrKill(p, timeoutSeconds)) {
                    throw new AssertionError("timed out after " + timeoutSeconds + "s: " + argv + "\n" + read(out) + read(err));
                }
                return new Result(p.exitValue(), read(out), read(err));
            } finally {
                out.delete();
                err.delete();
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + argv + ": " + e, e);
        }
    }

    /**
     * Waits for p at most timeoutSeconds; on timeout, or when the test's thread is interrupted (a
     * JUnit timeout), kills p and its descendants forcibly and returns false (throws on interrupt).
     */
    public static boolean waitOrKill(Process p, int timeoutSeconds) {
        try {
            if (p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) return true;
            kill(p);
            return false;
        } catch (InterruptedException e) {
            String what = p.info().commandLine().orElse("pid " + p.pid());
            kill(p);
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted (a test timeout?) while waiting for " + what + "; killed it", e);
        }
    }

    /** Kills p and its descendants (listed first: once p is gone they are no longer its descendants). */
    public static void kill(Process p) {
        p.descendants().toList().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * For a process whose stdout and stderr must stay pipes: drains both on their own threads (so a
     * full pipe cannot block it and the wait stays timed), waits at most timeoutSeconds, kills it
     * on timeout, and returns what it wrote. The caller has started p and dealt with its stdin.
     */
    public static Result drain(Process p, int timeoutSeconds) {
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();
        Thread o = Thread.ofPlatform().daemon().start(() -> copy(p.getInputStream(), out));
        Thread e = Thread.ofPlatform().daemon().start(() -> copy(p.getErrorStream(), err));
        boolean exited = waitOrKill(p, timeoutSeconds);
        try { // a grandchild holding the pipes open must not hang the test either
            o.join(10_000);
            e.join(10_000);
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
            throw new AssertionError(x);
        }
        // ByteArrayOutputStream's methods are synchronized: the readers may still be writing
        String got = "\n--- stdout\n" + out.toString(StandardCharsets.UTF_8) + "--- stderr\n" + err.toString(StandardCharsets.UTF_8);
        if (!exited) throw new AssertionError("timed out after " + timeoutSeconds + "s: " + p.info().commandLine().orElse("") + got);
        if (o.isAlive() || e.isAlive()) throw new AssertionError("exited, but something still holds its stdout or stderr open" + got);
        return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void copy(java.io.InputStream in, java.io.ByteArrayOutputStream to) {
        byte[] buf = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buf)) > 0; ) to.write(buf, 0, n);
        } catch (IOException ignored) {
            // the stream was closed under us (the process was killed): what was read is kept
        }
    }

    private static String read(File f) throws IOException {
        return java.nio.file.Files.readString(f.toPath(), StandardCharsets.UTF_8);
    }

    public static Result ok(String... argv) {
        Result r = run(argv);
        if (r.exit() != 0) throw new AssertionError("command failed: " + List.of(argv) + "\n" + r);
        return r;
    }

    public static List<String> concat(List<String> a, String... b) {
        List<String> l = new ArrayList<>(a);
        l.addAll(List.of(b));
        return l;
    }
}
