package jrun.helper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import jrun.JrunException;

/**
 * A running jrun-helper: Java's end of the exchange (src/main/c/helper.c has the full drawing).
 *
 * <pre>
 *   Java (this)                         helper H / container init C
 *   start(): plan on H's stdin  ------>  validate all; GETFD (pidfd_getfd from this JVM) ...
 *   next() = 'P' pid   <--------------   CLONE: C is born; H stays until C is ready
 *   maps, cgroup; go(state) -------->   C: mounts, devices
 *   next() = 'B'       <--------------   BARRIER (only with prestart/createRuntime/prechroot)
 *   host hooks; go(empty) --------->   createContainer hooks, pivot, identity
 *   next() = 'R'       <--------------   WAIT_START: C blocks on the exec fifo; H exits
 *   (`start` writes the fifo)  ----->   startContainer hooks, EXEC
 *   next() = null (EOF: exec'd) or 'E' {step, errno, message} at any point
 * </pre>
 *
 * The helper takes the caller's stdio and --preserve-fds from this JVM with pidfd_getfd:
 * ProcessBuilder closes every fd above 2 in its children. Spawning it costs less than the noise
 * of a whole command (`kill`, which spawns it, measured 64.5 +- 6 ms against 71 +- 9 ms for
 * `state`, which does not), so no JNI library is needed for this.
 */
public final class HelperProcess implements AutoCloseable {
    private final Process process;
    private final InputStream reports;
    private final OutputStream control;
    private final List<Step> steps;

    private HelperProcess(Process process, List<Step> steps) {
        this.process = process;
        this.reports = process.getInputStream();
        this.control = process.getOutputStream();
        this.steps = steps;
    }

    /** Starts the helper and sends it the plan. */
    public static HelperProcess start(List<Step> steps) {
        Path helper = locate();
        ProcessBuilder pb = new ProcessBuilder(helper.toString());
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().clear();
        HelperProcess h;
        try {
            h = new HelperProcess(pb.start(), steps);
        } catch (IOException e) {
            throw new JrunException("cannot start " + helper + ": " + e.getMessage(), e);
        }
        try {
            h.control.write(Plan.encode(steps, ProcessHandle.current().pid()));
            h.control.flush();
        } catch (IOException e) {
            h.close();
            throw new JrunException("cannot send the plan to " + helper + ": " + e.getMessage(), e);
        }
        return h;
    }

    /** Runs a plan that needs no conversation (kill): an error names the failing step. */
    public static void runToEnd(List<Step> steps) {
        try (HelperProcess h = start(steps)) {
            Report r = h.next();
            if (r != null && r.kind() == 'E') throw h.failure(r);
            int status = h.waitFor();
            if (status != 0) throw new JrunException("jrun-helper exited with status " + status);
        }
    }

    /** The next report, or null at EOF. */
    public Report next() {
        try {
            return Report.read(reports);
        } catch (IOException e) {
            throw new JrunException("lost the helper: " + e.getMessage(), e);
        }
    }

    public void go(byte[] state) {
        try {
            control.write(Plan.go(state));
            control.flush();
        } catch (IOException e) {
            throw new JrunException("the container's init went away during setup: " + e.getMessage(), e);
        }
    }

    /** The error for an 'E' report: the config field the step came from, then what failed. */
    public JrunException failure(Report r) {
        if (r.step() < 0 || r.step() >= steps.size()) return new JrunException("jrun-helper: " + r.message());
        Step s = steps.get(r.step());
        return new JrunException(s.origin() + ": " + r.message());
    }

    public Step step(int index) {
        return steps.get(index);
    }

    public int waitFor() {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JrunException("interrupted while waiting for the container");
        }
    }

    public long pid() {
        return process.pid();
    }

    /** Ends the conversation: the helper (or init) waiting for a go sees EOF and exits. */
    @Override
    public void close() {
        try {
            control.close();
        } catch (IOException ignored) {
            // the helper is gone already
        }
    }

    /** bin/jrun-helper next to the launcher: -Djrun.helper, else JRUN_HOME/bin, else beside lib/jrun/jrun.jar. */
    public static Path locate() {
        String explicit = System.getProperty("jrun.helper");
        if (explicit != null) return Path.of(explicit);
        String home = System.getProperty("jrun.home");
        Path p;
        if (home != null) p = Path.of(home, "bin", "jrun-helper");
        else {
            try {
                Path jar = Path.of(HelperProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                p = jar.getParent().getParent().getParent().resolve("bin").resolve("jrun-helper");
            } catch (URISyntaxException | RuntimeException e) {
                throw new JrunException("cannot find jrun-helper (set -Djrun.helper): " + e.getMessage());
            }
        }
        if (!Files.isExecutable(p)) throw new JrunException("jrun-helper not found at " + p + ": is jrun installed with ./build.sh install?");
        return p;
    }
}
