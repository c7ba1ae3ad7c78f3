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
            File out = File.createTempFile("cmd", ".out");
            File err = File.createTempFile("cmd", ".err");
            try {
                pb.redirectOutput(out).redirectError(err).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                Process p = pb.start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                    throw new AssertionError("timed out after " + timeoutSeconds + "s: " + argv + "\n"
                            + read(out) + read(err));
                }
                return new Result(p.exitValue(), read(out), read(err));
            } finally {
                out.delete();
                err.delete();
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + argv + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
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
