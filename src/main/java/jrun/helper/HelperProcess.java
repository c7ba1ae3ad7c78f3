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
 *   (more(): the plan's rest  ------>   C at MORE: reads and validates it whole, goes on)
 *   maps, cgroup; go(state) -------->   C: mounts, devices
 *   next() = 'B'       <--------------   BARRIER (only with prestart/createRuntime/prechroot)
 *   host hooks; go(empty) --------->   createContainer hooks, pivot, identity
 *   next() = 'R'       <--------------   WAIT_START: C blocks on the exec fifo; H exits
 *   (`start` writes the fifo)  ----->   startContainer hooks, EXEC
 *   next() = null (EOF: exec'd) or 'E' {step, errno, message} at any point
 * </pre>
 *
 * The helper takes the caller's stdio and --preserve-fds from this JVM with pidfd_getfd:
 * ProcessBuilder closes every fd above 2 in its children. The first helper of a command is
 * usually the one bin/jrun forked while the JVM started (launcher.c): spawning one from Java
 * (the JDK's jspawnhelper, then ours) cost about 10 ms of every create.
 */
public final class HelperProcess implements AutoCloseable {
    private final Process process; // null for the launcher's helper
    private final long pid;
    private final InputStream reports;
    private final OutputStream control;
    private final List<Step> steps;
    /** The launcher's helper's pipe fds as this JVM inherited them (-1: none, or closed): reopened, not adopted. */
    private int rawControl = -1, rawReports = -1;

    private HelperProcess(Process process, List<Step> steps) {
        this.process = process;
        this.pid = process.pid();
        this.reports = process.getInputStream();
        this.control = process.getOutputStream();
        this.steps = new java.util.ArrayList<>(steps);
    }

    private HelperProcess(long pid, InputStream reports, OutputStream control, List<Step> steps) {
        this.process = null;
        this.pid = pid;
        this.reports = reports;
        this.control = control;
        this.steps = new java.util.ArrayList<>(steps);
    }

    // The helper bin/jrun forked for this command ("W,R,PID", see launcher.c), the adopted one and
    // whether it was taken are the command's (jrun.Invocation): in the engine, each request's own.

    /** Starts the helper (or takes the launcher's) and sends it the plan. */
    public static HelperProcess start(List<Step> steps) {
        return start(steps, encode(steps));
    }

    /** The plan in the helper's wire format, for start(steps, plan). */
    public static byte[] encode(List<Step> steps) {
        return Plan.encode(steps, jrun.linux.ProcFiles.selfPid());
    }

    /** The plan of first's steps then rest's, from their bodies (Plan.body), for start(first + rest, plan). */
    public static byte[] encode(List<Step> first, byte[] firstBody, List<Step> rest, byte[] restBody) {
        return Plan.assemble(jrun.linux.ProcFiles.selfPid(), first.size() + rest.size(), firstBody, restBody);
    }

    /** start(steps) with the plan already encoded from the same steps. */
    public static HelperProcess start(List<Step> steps, byte[] plan) {
        adoptPrefork();
        jrun.Invocation inv = jrun.Invocation.current();
        HelperProcess pre = (HelperProcess) inv.adoptedHelper;
        inv.adoptedHelper = null;
        if (pre != null) { // its parent holds the caller's fds: in the engine, the client
            HelperProcess h = new HelperProcess(pre.pid, pre.reports, pre.control, steps);
            h.rawControl = pre.rawControl;
            h.rawReports = pre.rawReports;
            return sendPlan(h, Plan.withPid(plan, inv.launcherPid()), Path.of("jrun-helper"));
        }
        if (inv.warm()) { // a helper of the engine's own: its children would not be the caller's descendants
            for (Step s : steps)
                if (s.op() != Op.SIGNAL)
                    throw new JrunException("the jrun engine got no helper from its client for " + s.origin() + " (" + s.op() + "): run it with JRUN_ENGINE=off");
        }
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
        return sendPlan(h, plan, helper);
    }

    private static HelperProcess sendPlan(HelperProcess h, byte[] plan, Path helper) {
        try {
            h.control.write(plan);
            h.control.flush();
        } catch (IOException e) {
            h.close();
            throw new JrunException("cannot send the plan to " + helper + ": " + e.getMessage(), e);
        }
        return h;
    }

    /**
     * Opens the launcher's helper's pipes, if there is one and no other helper was asked for, so
     * that the next start() takes it; a create does this early, on a second thread. The pipes are
     * opened again through /proc/self/fd (a JVM cannot adopt an fd number). The report pipe's
     * open cannot block: the helper (or the launcher's stand-in when the exec failed) keeps its
     * write end until this JVM closes the plan pipe.
     */
    public static void adoptPrefork() {
        jrun.Invocation inv = jrun.Invocation.current();
        synchronized (inv) { // a second thread's start() waits here until the first has adopted it
            adoptPrefork(inv);
        }
    }

    private static void adoptPrefork(jrun.Invocation inv) {
        String p = inv.takePrefork();
        if (p == null || System.getProperty("jrun.helper") != null || System.getProperty("jrun.home") != null) return;
        String[] f = p.split(",");
        if (f.length != 3) return;
        try {
            long pid = Long.parseLong(f[2]);
            OutputStream control = new java.io.FileOutputStream("/proc/self/fd/" + Integer.parseInt(f[0]));
            InputStream reports = new java.io.FileInputStream("/proc/self/fd/" + Integer.parseInt(f[1]));
            HelperProcess h = new HelperProcess(pid, reports, control, List.of());
            if (!inv.warm()) { // cold: fds this JVM inherited from bin/jrun (warm, the engine's own to close)
                h.rawControl = Integer.parseInt(f[0]);
                h.rawReports = Integer.parseInt(f[1]);
            }
            inv.adoptedHelper = h;
            inv.launcherHelper = true;
        } catch (IOException | NumberFormatException e) {
            // no launcher's helper: start() spawns one
        }
    }

    /**
     * Ends the launcher's helper if no command used it (a kill of a missing container, a create
     * refused before its plan): it exits at EOF, and is reaped here, where it would otherwise be
     * a zombie for the caller's subreaper once this JVM exits. bin/jrun's main calls it last.
     */
    public static void releaseUnused() {
        jrun.Invocation inv = jrun.Invocation.current();
        HelperProcess h;
        synchronized (inv) {
            adoptPrefork(inv);
            h = (HelperProcess) inv.adoptedHelper;
            inv.adoptedHelper = null;
        }
        if (h == null) return;
        h.close();
        h.reapWithin(200);
    }

    /**
     * Whether this JVM's first helper is the launcher's (adopted already): its pipes are this
     * JVM's own, so they stay open when it exits, where the JDK closes a spawned helper's. A
     * detached CLONE may then let the helper exit at once, and the init report alone.
     */
    public static boolean launcherHelper() {
        return jrun.Invocation.current().launcherHelper;
    }

    /**
     * Sends the rest of the plan, whose part so far ends in MORE (Plan.continuation of rest). A
     * helper that failed meanwhile is not an error here: its 'E' report is the next one read.
     */
    public void more(List<Step> rest, byte[] continuation) {
        steps.addAll(rest);
        try {
            control.write(continuation);
            control.flush();
        } catch (IOException e) {
            // the helper is gone: next() gives its report, or EOF
        }
    }

    /** Runs a plan that needs no conversation (kill): an error names the failing step. */
    public static void runToEnd(List<Step> steps) {
        try (HelperProcess h = start(steps)) {
            Report r = h.next();
            if (r != null && r.kind() == 'E') {
                JrunException failed = h.failure(r);
                h.close();
                h.reapWithin(1000); // it exits after its report: no zombie for the caller's subreaper
                throw failed;
            }
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

    public void go(byte[] state, byte[]... hookStates) {
        try {
            control.write(Plan.go(state, hookStates));
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

    /** The launcher's helper's exit status once this JVM reaped it, else -1. */
    private int reapedStatus = -1;

    public int waitFor() {
        try {
            if (process == null) {
                if (reapedStatus >= 0) return reapedStatus; // its /proc entry went with the reap
                int status = exitStatus(pid);
                // not the JDK's child: left, it would be a zombie for pid 1 or the caller's subreaper
                if (jrun.linux.PosixLock.reap(pid)) reapedStatus = status;
                return status;
            }
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JrunException("interrupted while waiting for the container");
        }
    }

    public long pid() {
        return pid;
    }

    /**
     * After a failure: waits up to ms for the launcher's helper to exit and reaps it (the JDK reaps
     * its own children), so it is no zombie for the caller's subreaper; a helper still running
     * then is left alone, as the failure is reported either way.
     */
    public void reapWithin(long ms) {
        // warm, the launcher's helper is the client's child (bin/jrun reaps it), not this JVM's
        if (process != null || reapedStatus >= 0 || jrun.Invocation.current().warm()) return;
        // this JVM still holds the plan pipe's write end as inherited: closed, the helper reads EOF
        if (rawControl >= 0 && jrun.linux.PosixLock.available()) { // unlock is a plain close(2)
            jrun.linux.PosixLock.unlock(rawControl);
            if (rawReports >= 0) jrun.linux.PosixLock.unlock(rawReports);
            rawControl = rawReports = -1;
        }
        long end = System.nanoTime() + ms * 1_000_000;
        do {
            String stat;
            try {
                stat = jrun.linux.ProcFiles.read(Path.of("/proc/" + pid + "/stat"));
            } catch (IOException e) {
                return; // reaped already
            }
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            if (state == 'Z' || state == 'X') {
                int status = status(stat);
                if (jrun.linux.PosixLock.reap(pid)) reapedStatus = status;
                return;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        } while (System.nanoTime() < end);
    }

    /**
     * Waits for our child pid without reaping it (the JDK's waitid(WNOWAIT)), then reads its
     * status from /proc/PID/stat's exit_code field; the zombie goes when this JVM exits.
     */
    private static int exitStatus(long pid) throws InterruptedException {
        // A helper about to exit (create's, after 'R') is seen within a millisecond by polling;
        // only a long wait (a foreground run) takes the JDK's reaper thread.
        for (int i = 0; i < 40; i++) {
            String stat = stat(pid);
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            if (state == 'Z' || state == 'X') return status(stat);
            Thread.sleep(0, 250_000);
        }
        if (jrun.Invocation.current().warm()) { // the client's child: the engine cannot wait for it, it polls
            for (long sleep = 1;; sleep = Math.min(sleep * 2, 20)) {
                String stat = stat(pid);
                char state = stat.charAt(stat.lastIndexOf(')') + 2);
                if (state == 'Z' || state == 'X') return status(stat);
                Thread.sleep(sleep);
            }
        }
        java.util.Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isPresent()) {
            try {
                h.get().onExit().get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new JrunException("lost jrun-helper " + pid + ": " + e.getMessage());
            }
        }
        return status(stat(pid));
    }

    private static String stat(long pid) {
        try {
            return jrun.linux.ProcFiles.read(Path.of("/proc/" + pid + "/stat"));
        } catch (IOException e) {
            throw new JrunException("lost jrun-helper " + pid + ": its exit status is gone");
        }
    }

    /** The wait status in /proc/PID/stat's last field (exit_code, field 52), as a shell reports it. */
    private static int status(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        int code = Integer.parseInt(f[f.length - 1]);
        return (code & 0x7f) != 0 ? 128 + (code & 0x7f) : (code >> 8) & 0xff;
    }

    /** Ends the conversation: the helper (or init) waiting for a go sees EOF and exits. */
    @Override
    public void close() {
        try {
            control.close();
        } catch (IOException ignored) {
            // the helper is gone already
        }
        if (jrun.Invocation.current().warm()) { // the engine outlives the command: its end of the reports goes too
            try {
                reports.close();
            } catch (IOException ignored) {
                // closed already
            }
        }
    }

    /**
     * Closes this command's pipes to the launcher's helper, used or not (the engine, at a request's
     * end: a cold JVM's exit does the same). The helper sees EOF on its plan and exits.
     */
    public static void releaseAdopted(jrun.Invocation inv) {
        Object o = inv.adoptedHelper;
        inv.adoptedHelper = null;
        if (o instanceof HelperProcess h) {
            h.close();
            try {
                h.reports.close();
            } catch (IOException ignored) {
                // closed already
            }
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
