package jrun.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jrun.JrunException;
import jrun.helper.HelperProcess;
import jrun.spec.Hook;

/**
 * Runs the hooks that live in the runtime's namespaces (prestart, createRuntime, prechroot,
 * poststart, poststop) from Java: the state JSON on stdin, the hook's env only, its timeout.
 * Output goes to our stderr (stdout is the command's). args has execv semantics: args[0] is the
 * hook's argv[0]. ProcessBuilder cannot set argv[0] apart from the path, so when they differ the
 * hook runs through `jrun-helper --exec PATH ARGS...` (an execv and nothing else). A hook
 * without env inherits jrun's environment, as runc's do.
 */
public final class HookRunner {
    /** What `jrun-helper --exec` alone prints when its execv fails (exit status 127). */
    static final String EXEC_FAILED = "jrun-helper: cannot exec: ";

    private HookRunner() {}

    /** Whether argv[0] (args[0]) differs from the path, so only the exec shim can run the hook. */
    static boolean needsShim(Hook h) {
        return !h.args().isEmpty() && !h.args().get(0).equals(h.path());
    }

    /** The command line: the path itself when args[0] is the path (or absent), else through the exec shim. */
    static List<String> command(Hook h, java.nio.file.Path shim) {
        List<String> cmd = new ArrayList<>();
        if (!needsShim(h)) {
            cmd.add(h.path());
            if (h.args().size() > 1) cmd.addAll(h.args().subList(1, h.args().size()));
        } else {
            cmd.add(shim.toString());
            cmd.add("--exec");
            cmd.add(h.path());
            cmd.addAll(h.args());
        }
        return cmd;
    }

    public static void run(List<Hook> hooks, String state) {
        for (Hook h : hooks) run(h, state);
    }

    public static void run(Hook h, String state) {
        boolean viaShim = needsShim(h);
        List<String> cmd = command(h, viaShim ? HelperProcess.locate() : null);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (!h.env().isEmpty()) pb.environment().clear();
        for (String e : h.env()) {
            int eq = e.indexOf('=');
            if (eq > 0) pb.environment().put(e.substring(0, eq), e.substring(eq + 1));
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new JrunException(h.where() + ": cannot run hook " + h.path() + ": " + e.getMessage(), e);
        }
        try (OutputStream in = p.getOutputStream()) {
            in.write(state.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the hook does not read its stdin: allowed
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (InputStream o = p.getInputStream()) {
                o.transferTo(out);
            } catch (IOException ignored) {
                // output is best effort
            }
        });
        try {
            boolean done = h.timeoutSeconds() > 0 ? p.waitFor(h.timeoutSeconds(), TimeUnit.SECONDS) : p.waitFor() >= Integer.MIN_VALUE;
            if (!done) {
                p.destroyForcibly();
                p.waitFor();
                reader.join(1000);
                throw new JrunException(h.where() + ": hook " + h.path() + " timed out after " + h.timeoutSeconds() + " s");
            }
            reader.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JrunException(h.where() + ": interrupted while running hook " + h.path());
        }
        String output = out.toString(StandardCharsets.UTF_8);
        if (viaShim && p.exitValue() == 127 && output.startsWith(EXEC_FAILED))
            throw new JrunException(h.where() + ": cannot run hook " + h.path() + ": " + output.substring(EXEC_FAILED.length()).strip());
        if (!output.isEmpty()) {
            jrun.Invocation.current().err().print(output);
            jrun.Invocation.current().err().flush();
        }
        if (p.exitValue() != 0)
            throw new JrunException(h.where() + ": hook " + h.path() + " exited with status " + p.exitValue()
                    + (output.isBlank() ? "" : ": " + output.strip().lines().reduce((a, b) -> b).orElse("")));
    }
}
