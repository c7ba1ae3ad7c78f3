package jrun.runtime;

import java.util.ArrayList;
import java.util.List;

import jrun.JrunException;
import jrun.helper.Op;
import jrun.helper.Step;
import jrun.spec.Namespace;
import jrun.spec.ProcessSpec;
import jrun.spec.ProcessTuning;
import jrun.spec.Spec;

/**
 * Compiles `exec` into the helper's steps: join every namespace of the container's init (user
 * first, mount last, all by /proc/PID/ns), clone a child there (Java puts it in the container's
 * cgroups before its go), then the process's own identity, capabilities, rlimits and the
 * container's seccomp filter, as runc's setns init does. Pure: checked as data in unit tests.
 */
public final class ExecPlanner {
    /** /proc/PID/ns file names by namespace type. */
    static String nsFile(Namespace.Type t) {
        return switch (t) {
            case PID -> "pid";
            case NETWORK -> "net";
            case MOUNT -> "mnt";
            case IPC -> "ipc";
            case UTS -> "uts";
            case USER -> "user";
            case CGROUP -> "cgroup";
            case TIME -> "time";
        };
    }

    private ExecPlanner() {}

    private static Step join(long initPid, Namespace.Type t) {
        return Step.of(Op.SETNS, "linux.namespaces (" + t.specName + ")", "/proc/" + initPid + "/ns/" + nsFile(t), t.flag);
    }

    /** spec: the container's config with process replaced by the one to exec. */
    public static List<Step> plan(Spec spec, long initPid, ExecOptions opts, Hardening hardening) {
        return plan(spec, initPid, opts, hardening, null);
    }

    /** passwd: the container's /etc/passwd (or null), for HOME when the process has none, as runc does. */
    public static List<Step> plan(Spec spec, long initPid, ExecOptions opts, Hardening hardening, String passwd) {
        return plan(spec, initPid, opts, hardening, passwd, null);
    }

    /**
     * Where the process joins the container's cgroups by itself, as a create's init does (see
     * Planner.selfPlaced): born in the v2 directory (bornIn, "" for none) and writing "0" to
     * each v1 `tasks` file, so no write waits for the kernel's migration lock (an RCU grace
     * period, 6-12 ms, of every exec when Java wrote cgroup.procs).
     */
    public record SelfPlacement(String bornIn, List<String> v1Tasks) {
        /**
         * For the container's cgroup directories, each told by its own files: only a cgroup2
         * directory has cgroup.controllers, only a v1 one has tasks. No mountinfo to read and
         * parse, ~0.5 ms of an exec, interpreted.
         */
        public static SelfPlacement of(List<String> cgroupDirs) {
            String bornIn = "";
            List<String> tasks = new ArrayList<>();
            for (String d : cgroupDirs) {
                if (new java.io.File(d, "cgroup.controllers").exists()) bornIn = d;
                else if (new java.io.File(d, "tasks").exists()) tasks.add(d + "/tasks");
            }
            return new SelfPlacement(bornIn, tasks);
        }
    }

    /**
     * self: how the process joins its cgroups by itself, or null when Java places it after 'P'
     * (a container with a user namespace: the process may not write host cgroup files there).
     * Self-placed, it clones before joining the container's cgroup and mount namespaces, so that
     * the host's cgroup files are still the ones it sees, and joins those two after.
     */
    public static List<Step> plan(Spec spec, long initPid, ExecOptions opts, Hardening hardening, String passwd, SelfPlacement self) {
        ProcessSpec p = spec.process();
        if (p.terminal() && (opts.consoleSocket() == null || opts.consoleSocket().isEmpty()))
            throw new JrunException("exec: process.terminal is true (--tty), but no --console-socket was given to receive the pty");
        if (!p.terminal() && opts.consoleSocket() != null && !opts.consoleSocket().isEmpty())
            throw new JrunException("exec: --console-socket was given, but the process has no terminal (--tty)");
        List<Step> s = new ArrayList<>(64);
        if (!p.terminal()) for (long fd = 0; fd < 3; fd++) s.add(Step.of(Op.GETFD, "stdio", fd, fd));
        for (long fd = 3; fd < 3 + opts.preserveFds(); fd++) s.add(Step.of(Op.GETFD, "--preserve-fds", fd, fd));
        if (p.terminal()) s.add(Step.of(Op.CONSOLE_SOCKET, "--console-socket", opts.consoleSocket()));
        // Joined in this order: user (the others may belong to it), the rest, mount last
        // (after it, /proc is the container's and PID names another process).
        List<Namespace.Type> order = new ArrayList<>();
        if (spec.hasNamespace(Namespace.Type.USER)) order.add(Namespace.Type.USER);
        for (Namespace n : spec.linux().namespaces())
            if (n.type() != Namespace.Type.USER && n.type() != Namespace.Type.MOUNT) order.add(n.type());
        if (spec.hasNamespace(Namespace.Type.MOUNT)) order.add(Namespace.Type.MOUNT);
        List<Namespace.Type> after = new ArrayList<>();
        if (self != null)
            for (Namespace.Type t : List.of(Namespace.Type.CGROUP, Namespace.Type.MOUNT))
                if (order.remove(t)) after.add(t);
        for (Namespace.Type t : order) s.add(join(initPid, t));
        ProcessTuning.ExecAffinity affinity = p.execCPUAffinity();
        // initial: the helper's, before the process moves into the container's cgroups (it inherits it)
        if (affinity != null && affinity.initial() != null) s.add(Step.of(Op.AFFINITY, "process.execCPUAffinity.initial", affinity.initial()));
        // In the foreground the helper waits for the process; without a pid file to write once it
        // has exec'd, it also keeps the report pipe, so Java's EOF is the exit, with no polling.
        long stay = opts.detach() ? 0L : opts.pidFile() == null ? 3L : 1L;
        s.add(Step.of(Op.CLONE, "exec", 0L, stay, self == null ? "" : self.bornIn()));
        if (self != null) {
            for (String tasks : self.v1Tasks()) s.add(Step.of(Op.WRITE_FILE, "linux.cgroupsPath", tasks, new byte[] {'0'}));
            for (Namespace.Type t : after) s.add(join(initPid, t));
        }
        // Java's go, only when it has something to do first: place the process in its cgroups, or
        // write its oom_score_adj from the host. Otherwise the round trip cost every exec ~0.3 ms.
        if (self == null || p.oomScoreAdj() != null) s.add(Step.of(Op.WAIT_GO, "exec"));
        // final: once in the container's cgroups (Java places it before the go when it does)
        if (affinity != null && affinity.fin() != null) s.add(Step.of(Op.AFFINITY, "process.execCPUAffinity.final", affinity.fin()));
        // No mount namespace of its own: the host's was joined, so the init's root is entered as runc does, by chroot.
        if (!spec.hasNamespace(Namespace.Type.MOUNT)) s.add(Step.of(Op.ENTER_ROOT, "exec", "/proc/" + initPid + "/root"));
        s.add(Step.of(Op.SET_ROOT, "exec", "/"));
        if (p.terminal()) {
            s.add(Step.of(Op.SETSID, "process.terminal"));
            s.add(Step.of(Op.CONSOLE, "process.terminal", (long) p.consoleRows(), (long) p.consoleCols(), 0L));
        }
        Planner.identity(s, spec, p, hardening, 3L + opts.preserveFds());
        if (p.user().umask() != null) s.add(Step.of(Op.UMASK, "process.user.umask", (long) p.user().umask()));
        hardening.beforeStart(spec, s);
        hardening.beforeExec(spec, s);
        List<String> env = Planner.withHome(p.env(), p.user().uid(), passwd);
        s.add(Step.of(Op.EXEC, "process.args", Planner.candidates(p.args().get(0), env), p.args(), env));
        return s;
    }
}
