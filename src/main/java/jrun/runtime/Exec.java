package jrun.runtime;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jrun.JrunException;
import jrun.helper.HelperProcess;
import jrun.helper.Report;
import jrun.helper.Step;
import jrun.spec.Spec;

/**
 * `exec`: a new process in a running container. The lock is held only to read the state, so a
 * long foreground exec never blocks kill or delete. The child joins the init's namespaces and
 * cgroups; with --detach jrun returns once it has exec'd (the caller, a subreaper like
 * containerd's shim, inherits it), else it waits and returns its exit status.
 */
public final class Exec {
    private final StateStore store;
    private final Hardening hardening;

    public Exec(StateStore store, Hardening hardening) {
        this.store = store;
        this.hardening = hardening;
    }

    /** --debug's sink, or null: every call site tests it first. */
    private java.util.function.Consumer<String> debug;

    /** Logs each step of the exec to sink (jrun --debug). */
    public Exec withDebug(java.util.function.Consumer<String> sink) {
        this.debug = sink;
        return this;
    }

    /**
     * process: the runtime-spec process object to run (from --process, or built from the
     * container's own process and the command line). Returns the exit status (0 with --detach).
     */
    public int exec(String id, Map<String, Object> process, ExecOptions opts) {
        ContainerState st = loaded(id);
        Status s = loadedStatus;
        if (s == Status.PAUSED && !opts.ignorePaused())
            throw new JrunException("cannot exec in a paused container (use --ignore-paused to override)");
        if (s == Status.STOPPED || s == Status.CREATING) throw new JrunException("cannot exec in a stopped container");
        Spec spec = specFor(config(st), process);
        if (opts.detach() && spec.process().terminal() && (opts.consoleSocket() == null || opts.consoleSocket().isEmpty()))
            throw new JrunException("cannot allocate tty if jrun will detach without setting console socket"); // runc's text
        // As runc: in the foreground with a terminal and no console socket, jrun relays the pty itself.
        TtyRelay relay = TtyRelay.needed(spec, opts) ? TtyRelay.start(store.dir(id), "exec-" + ProcessHandle.current().pid() + ".sock") : null;
        if (debug != null) debug.accept("exec " + id + ": " + spec.process().args() + " in the container of pid " + st.pid()
                + (spec.process().terminal() ? relay != null ? ", its pty relayed to jrun's stdio" : ", its pty to " + opts.consoleSocket() : ""));
        if (relay == null) return exec(id, st, spec, opts);
        int status;
        try {
            status = exec(id, st, spec, relay.options(opts));
        } catch (RuntimeException e) {
            relay.close();
            throw e;
        }
        relay.finish(); // the pty's last output, before jrun returns
        return status;
    }

    private int exec(String id, ContainerState st, Spec spec, ExecOptions opts) {
        // As the init: it joins its cgroups itself unless in a user namespace, where Java does,
        // with a write that waits for the migration lock (started now, on a thread).
        ExecPlanner.SelfPlacement self = Planner.selfPlaced(spec) ? ExecPlanner.SelfPlacement.of(st.cgroupDirs()) : null;
        if (self == null)
            CgroupPlacement.warmUp(jrun.linux.CgroupHierarchy.parse(ProcStat.read("/proc/self/mountinfo"), ProcStat.read("/proc/self/cgroup")));
        // the container's own view of /etc/passwd, through its init's root (symlinks kept inside it)
        String passwd = new jrun.linux.RealHostFiles().readInRoot(java.nio.file.Path.of("/proc/" + st.pid() + "/root"), "/etc/passwd");
        List<Step> steps = ExecPlanner.plan(spec, st.pid(), opts, hardening, passwd, self);
        if (debug != null) Lifecycle.debugPlan(debug, "exec " + id, steps);
        boolean waitsForGo = Lifecycle.waitsForGo(steps);
        try (HelperProcess helper = HelperProcess.start(steps)) {
            // While the helper joins and clones: from here on, signals to jrun go to the process. (A
            // signal that ends this JVM sooner reaches it too: the waiting helper's PDEATHSIG is
            // forwarded to it.)
            if (!opts.detach()) SignalForwarder.forwardTo(helper.pid());
            StateStore.stopAt("exec:helper");
            Report r = helper.next();
            if (r == null) throw new JrunException("jrun-helper exited without a report (status " + helper.waitFor() + ")");
            if (r.kind() == 'E') throw helper.failure(r);
            long pid = r.value();
            if (debug != null) debug.accept("exec " + id + ": the process is pid " + pid);
            StateStore.stopAt("exec:pid");
            try {
                if (self == null) CgroupPlacement.place(st.cgroupDirs(), pid);
                if (spec.process().oomScoreAdj() != null) Lifecycle.writeOomScoreAdj(pid, spec.process().oomScoreAdj());
            } catch (JrunException e) {
                helper.close();
                throw e;
            }
            StateStore.stopAt("exec:placed");
            if (waitsForGo) helper.go(new byte[0]);
            r = helper.next(); // EOF: exec'd (or, in the foreground without a pid file, exited); 'E': it could not be
            if (r != null && r.kind() == 'E') {
                helper.waitFor();
                throw helper.failure(r);
            }
            if (opts.pidFile() != null) Lifecycle.writePidFile(Path.of(opts.pidFile()), pid);
            int status = helper.waitFor();
            if (debug != null) debug.accept("exec " + id + ": " + (opts.detach() ? "detached" : "the process exited with status " + status));
            StateStore.stopAt("exec:done");
            return opts.detach() ? 0 : status;
        }
    }

    private ContainerState loaded;
    private Status loadedStatus;

    /**
     * The container's state and its live status, read once under the lock: an exec without
     * --process reads them for the process, then to run it. The lock is not held across the two
     * (it never was: the container can stop between this check and the helper's setns all the same).
     */
    private ContainerState loaded(String id) {
        if (loaded != null && loaded.id().equals(id)) return loaded;
        try (StateStore.Lock lock = store.lock(id)) {
            ContainerState st = store.load(id);
            loadedStatus = StateStore.liveStatus(st);
            loaded = st;
        }
        return loaded;
    }

    /** The container a config was read for (id and bundle), and that config: an exec without --process reads it twice. */
    private String configOf;
    private Map<String, Object> config;

    /** The config the container was created from: the copy rules edited at create, else the bundle's. Read-only. */
    private Map<String, Object> config(ContainerState st) {
        String of = st.id() + "\0" + st.bundle();
        if (of.equals(configOf)) return config;
        Path edited = store.dir(st.id()).resolve("config.json");
        config = java.nio.file.Files.exists(edited) ? jrun.spec.ConfigFile.readObject(edited) : Spec.readTree(Path.of(st.bundle()));
        configOf = of;
        return config;
    }

    /** The container's config with process replaced. */
    static Spec specFor(Map<String, Object> config, Map<String, Object> process) {
        Map<String, Object> tree = new LinkedHashMap<>(config);
        tree.put("process", process);
        tree.remove("hooks"); // exec runs none
        tree.remove("mounts"); // it joins the init's mount namespace: their parsing (checked at create) is wasted
        try {
            return Spec.from(tree);
        } catch (JrunException e) {
            throw new JrunException("exec: " + e.getMessage(), e);
        }
    }

    /** The container's own process object, as the base runc's exec flags edit. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> containerProcess(String id) {
        Object p = config(loaded(id)).get("process");
        if (!(p instanceof Map<?, ?>)) throw new JrunException(loaded(id).bundle() + "/config.json: process: required to exec with flags (or give --process)");
        return new LinkedHashMap<>((Map<String, Object>) p);
    }
}
