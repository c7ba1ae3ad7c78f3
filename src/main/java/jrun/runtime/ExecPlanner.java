package jrun.runtime;

import java.util.ArrayList;
import java.util.List;

import jrun.JrunException;
import jrun.helper.Op;
import jrun.helper.Step;
import jrun.spec.Namespace;
import jrun.spec.ProcessSpec;
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

    /** spec: the container's config with process replaced by the one to exec. */
    public static List<Step> plan(Spec spec, long initPid, ExecOptions opts, Hardening hardening) {
        return plan(spec, initPid, opts, hardening, null);
    }

    /** passwd: the container's /etc/passwd (or null), for HOME when the process has none, as runc does. */
    public static List<Step> plan(Spec spec, long initPid, ExecOptions opts, Hardening hardening, String passwd) {
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
        for (Namespace.Type t : order)
            s.add(Step.of(Op.SETNS, "linux.namespaces (" + t.specName + ")", "/proc/" + initPid + "/ns/" + nsFile(t), t.flag));
        s.add(Step.of(Op.CLONE, "exec", 0L, opts.detach() ? 0L : 1L, ""));
        s.add(Step.of(Op.WAIT_GO, "exec"));
        s.add(Step.of(Op.SET_ROOT, "exec", "/"));
        if (p.terminal()) {
            s.add(Step.of(Op.SETSID, "process.terminal"));
            s.add(Step.of(Op.CONSOLE, "process.terminal", (long) p.consoleRows(), (long) p.consoleCols(), 0L));
        }
        Planner.identity(s, spec, p, hardening);
        if (p.user().umask() != null) s.add(Step.of(Op.UMASK, "process.user.umask", (long) p.user().umask()));
        hardening.beforeStart(spec, s);
        s.add(Step.of(Op.CLOSE_FDS, "--preserve-fds", 3L + opts.preserveFds()));
        hardening.beforeExec(spec, s);
        List<String> env = Planner.withHome(p.env(), p.user().uid(), passwd);
        s.add(Step.of(Op.EXEC, "process.args", Planner.candidates(p.args().get(0), env), p.args(), env));
        return s;
    }
}
