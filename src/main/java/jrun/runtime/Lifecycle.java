package jrun.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jrun.JrunException;
import jrun.helper.HelperProcess;
import jrun.helper.Op;
import jrun.helper.Plan;
import jrun.helper.Report;
import jrun.helper.Step;
import jrun.linux.CgroupHierarchy;
import jrun.linux.HostFiles;
import jrun.linux.HostMounts;
import jrun.spec.Hook;
import jrun.spec.Hooks;
import jrun.spec.Namespace;
import jrun.spec.Spec;

/**
 * The container lifecycle (runtime-spec runtime.md): create, start, state, kill, delete, run.
 * Every command locks the container, checks its live status (pid plus start time), acts, and
 * writes the new state atomically.
 */
public final class Lifecycle {
    private final StateStore store;
    private final HostFiles host;
    private final Hardening hardening;
    private final ConfigRules rules;
    private LifecycleExtension extension = LifecycleExtension.NONE;
    /** --rootless, resolved at create (state, kill, delete and list need not read /proc/self for it). */
    private java.util.function.Supplier<Rootless> rootlessMode = () -> Rootless.OFF;
    private Rootless rootless = Rootless.OFF;
    /** --debug's sink, or null: every call site tests it first, so no message is built without --debug. */
    private java.util.function.Consumer<String> debug;

    /** With jrun.linux applied (warnings to stderr): a config's capabilities, seccomp and resources are never ignored. */
    public Lifecycle(StateStore store, HostFiles host) {
        this(store, host, LinuxHardening.forHost(w -> jrun.Invocation.current().err().println("jrun: warning: " + w)));
    }

    public Lifecycle(StateStore store, HostFiles host, Hardening hardening) {
        this(store, host, hardening, ConfigRules.NONE);
    }

    public Lifecycle(StateStore store, HostFiles host, Hardening hardening, ConfigRules rules) {
        this.store = store;
        this.host = host;
        this.hardening = hardening;
        this.rules = rules;
    }

    /** Logs each step of the lifecycle to sink (jrun --debug). */
    public Lifecycle withDebug(java.util.function.Consumer<String> sink) {
        this.debug = sink;
        return this;
    }

    /** The lines --debug logs for a plan: one per step, its op and the config field it comes from. */
    static void debugPlan(java.util.function.Consumer<String> debug, String what, List<Step> steps) {
        debug.accept(what + ": a plan of " + steps.size() + " steps for jrun-helper");
        for (int i = 0; i < steps.size(); i++) debug.accept(what + ": step " + i + ": " + steps.get(i).op() + " (" + steps.get(i).origin() + ")");
    }

    /** Rootless mode (--rootless): cgroups only where writable, limits only where they can be had. */
    public Lifecycle withRootless(Rootless r) {
        return withRootless(() -> r);
    }

    /** As withRootless(Rootless), resolved only by a create. */
    public Lifecycle withRootless(java.util.function.Supplier<Rootless> r) {
        this.rootlessMode = r;
        return this;
    }

    /** A dialect's additions (run_oci's state layout and flags); NONE by default. */
    public Lifecycle withExtension(LifecycleExtension e) {
        this.extension = e;
        return this;
    }

    /** A container being made: its lock, the helper, and what to undo if anything fails; relay: `run`'s own terminal, or null. */
    private record Creation(StateStore.Lock lock, ContainerState state, HelperProcess helper, TtyRelay relay) {}

    /** What a create learns from the host: its mount table and cgroup hierarchies. */
    private record HostView(String mountinfo, List<CgroupHierarchy> hierarchies, List<CgroupHierarchy> all) {}

    /**
     * For a create or run about to be parsed: starts its second thread now, which loads the lock's
     * library while the command line is read (the second thread's chain is a create's longest).
     */
    public static void prepareCreate() {
        Beside.prestart(jrun.linux.PosixLock::available);
    }

    public void create(String id, CreateOptions opts) {
        Creation c = doCreate(id, opts);
        try {
            c.helper().close();
        } finally {
            c.lock().close();
        }
    }

    /**
     * Sets the container up and returns with its lock held. A second thread, started first, takes
     * the lock while this one reads the config, then the host's mount table and cgroup
     * hierarchies; the cgroups are made there, and the plan's first part sent, while this one plans: on
     * two cores these overlap (a create is a few milliseconds of interpreted Java and syscalls,
     * and the second thread's chain, lock, mkdir, limits and the helper, is the longer one).
     */
    private Creation doCreate(String id, CreateOptions opts) {
        rootless = rootlessMode.get(); // before the second thread takes the lock: it can fail
        Beside<StateStore.Lock> early = Beside.start(() -> store.createAndLock(id));
        StateStore.Lock lock = null;
        ContainerState st = null;
        HelperProcess helper = null;
        Beside<List<String>> madeDirs = null;
        Beside<Made> made = null;
        List<String> dirs = List.of();
        long unannounced = 0;
        TtyRelay relay = null;
        StateStore.Draft draft = null;
        Beside<HelperProcess> spare = null;
        HostMounts.Record hostMounts = null;
        try {
            Path bundle = opts.bundle().toAbsolutePath().normalize();
            if (debug != null) debug.accept("create " + id + ": bundle " + bundle + ", state in " + store.dir(id));
            if (!Files.isDirectory(bundle)) throw new JrunException("bundle " + bundle + " does not exist or is not a directory");
            Map<String, Object> tree = Spec.readTree(bundle);
            if (extension != LifecycleExtension.NONE) { // a dialect's edits may write into the container's directory
                lock = early.get();
                extension.editConfig(id, tree);
            }
            boolean edited = rules.apply(tree, bundle);
            if (debug != null && rules != ConfigRules.NONE) debug.accept("create " + id + ": rules " + (edited ? "edited" : "left") + " the config");
            // The cgroups need only linux.cgroupsPath: the second thread makes them while this one
            // reads the rest (a cgroupsPath of the wrong type waits for Spec's error, and makes none).
            String earlyPath = rawCgroupsPath(tree);
            // A new network namespace is the costly part of the clone (~0.5 ms): the helper makes it
            // for itself first, while the second thread would wait for the host's cgroups anyway,
            // and the init is born into it (Planner.networkMade). Not with a user namespace, which
            // must own it. The config asks for it as read here; Spec's checks come after.
            if (extension == LifecycleExtension.NONE && rawNewNetwork(tree))
                spare = early.then(() -> {
                    early.get();
                    return HelperProcess.start(new ArrayList<>(List.of(Step.of(Op.UNSHARE, "linux.namespaces (network)", Namespace.Type.NETWORK.flag),
                            Step.of(Op.MORE, "plan"))));
                });
            HostView hv = hostView(earlyPath == null ? "" : earlyPath, CgroupPlacement.defaultName(store.root(), id));
            if (earlyPath != null)
                madeDirs = early.then(() -> {
                    early.get(); // the id is ours: otherwise these are another container's cgroups
                    return claimAndMake(id, bundle, CgroupPlacement.paths(earlyPath, CgroupPlacement.defaultName(store.root(), id), hv.hierarchies()),
                            hv.hierarchies());
                });
            Spec spec = Spec.fromTree(tree, bundle);
            rootless.checkSpec(spec);
            lock = early.get();
            // Rules edit the config in memory; exec later reads this copy, not the bundle's.
            if (edited) StateStore.writeAtomically(store.dir(id).resolve("config.json"), jrun.spec.Json.write(tree, jrun.spec.Json.Style.TWO_SPACES));
            if (opts.foreground() && opts.consoleSocket() != null && !opts.consoleSocket().isEmpty())
                throw new JrunException("--console-socket: cannot use console socket if jrun will not detach or allocate tty"); // runc's text
            if (TtyRelay.needed(spec, opts)) { // as runc: `run` with a terminal and no console socket relays the pty itself
                relay = TtyRelay.start(store.dir(id));
                opts = relay.options(opts);
            }
            Path rootfs = bundle.resolve(spec.root().path()).normalize();
            if (host.kind(rootfs) != HostFiles.Kind.DIRECTORY) throw new JrunException("root.path: " + rootfs + " is not a directory");
            rootfs = rootfs.toRealPath();
            // No mount namespace: the mounts below the rootfs before the helper starts (it starts
            // after hv was read), recorded before any is made, so that delete finds ours whatever happens.
            if (Planner.hostMountNamespace(spec)) {
                hostMounts = new HostMounts.Record(rootfs.toString(), HostMounts.under(hv.mountinfo(), rootfs.toString()), List.of());
                StateStore.writeAtomically(store.dir(id).resolve(HOST_MOUNTS), hostMounts.text());
            }
            List<CgroupHierarchy> hierarchies = hv.hierarchies();
            Map<String, String> cgroups = CgroupPlacement.paths(spec.linux().cgroupsPath(),
                    CgroupPlacement.defaultName(store.root(), id), hierarchies);
            // What the init does not join by itself (Planner.selfPlaced) Java places after 'P'. That
            // write waits for the migration lock: started after mkdir, which would wait for it too.
            List<String> javaPlaces = Planner.javaPlaced(spec, hierarchies, cgroups);
            if (debug != null) debug.accept("create " + id + ": root " + rootfs + ", cgroups " + cgroups);
            Planner planner = new Planner(spec, id, rootfs, opts, store.fifo(id), host, hv.mountinfo(), hierarchies, cgroups, hardening);
            if (spare != null) planner.networkMade();
            if (rootless.on()) planner.rootlessCgroupMounts(hv.all());
            // The plan in two parts, unless a dialect edits it whole: the second thread sends the
            // first (limits, the runtime side, CLONE, MORE) as soon as the cgroups exist, and the
            // helper clones while this thread plans the init's part.
            Beside.Task<List<Step>> hostPart = extension == LifecycleExtension.NONE ? new Beside.Task<>(planner::host) : null;
            Beside<List<String>> dirsMade = madeDirs;
            Beside<HelperProcess> spared = spare;
            made = early.then(() -> cgroups(spec,
                    dirsMade != null ? dirsMade.get() : claimAndMake(id, bundle, cgroups, hierarchies), hierarchies,
                    !javaPlaces.isEmpty(), hostPart, spared));
            List<Step> steps;
            // state.json but for the init's pid and start time, drafted while the helper clones and
            // the init mounts.
            Map<String, Object> laterHooks = new LinkedHashMap<>();
            if (tree.get("hooks") instanceof Map<?, ?> hm)
                for (String stage : List.of("poststart", "poststop"))
                    if (hm.get(stage) != null) laterHooks.put(stage, hm.get(stage));
            Map<String, String> annotations = new LinkedHashMap<>(spec.annotations());
            annotations.putAll(extension.stateAnnotations(id));
            ContainerState initial = new ContainerState(id, Status.CREATING, 0, 0, bundle.toString(), rootfs.toString(),
                    UtcTime.now(), annotations, List.of(), laterHooks).withCgroups(CgroupPlacement.dirs(cgroups));
            if (hostPart != null) {
                hostPart.run();
                hostPart.get(); // its error, if any, is this thread's to report
                // The init's part, sent by the second thread after the plan it sends: its write
                // wakes the helper, which takes its core until the clone, and this thread need not
                // wait for that to go on.
                List<Step> part = planner.init();
                Beside<Void> sent = send(made, part);
                steps = new ArrayList<>(part);
                draft = store.draft(initial.with(Status.CREATED)); // while the helper clones and the init mounts
                sent.get(); // the plan is in the pipe: only this thread writes to it from here on
                helper = made.get().helper();
            } else {
                steps = planner.plan();
                extension.editPlan(spec, steps);
                byte[] body = Plan.body(steps);
                Made m = made.get();
                byte[] plan = HelperProcess.encode(m.limits(), m.body(), steps, body);
                steps.addAll(0, m.limits()); // first: host paths, before any setns
                helper = HelperProcess.start(steps, plan);
            }
            dirs = made.get().dirs(); // saved in the state for delete
            if (debug != null) debugPlan(debug, "create " + id, steps);
            StateStore.stopAt("create:helper");
            made = null;
            st = initial;
            if (draft == null) draft = store.draft(st.with(Status.CREATED));
            Report r = expect(helper, 'P');
            long pid = r.value();
            if (jrun.Invocation.current().client() != null) jrun.Invocation.current().client().made(pid); // the client kills it if the engine dies now
            st = st.withPid(pid, ProcStat.liveStartTime(pid));
            if (debug != null) debug.accept("create " + id + ": the init is pid " + pid + " (jrun-helper pid " + helper.pid() + ")");
            CgroupPlacement.place(javaPlaces, pid);
            if (spec.process().oomScoreAdj() != null) writeOomScoreAdj(pid, spec.process().oomScoreAdj());
            if (spec.hasNamespace(Namespace.Type.USER) && spec.namespace(Namespace.Type.USER).isNew()) {
                IdMaps.write(pid, spec.linux().uidMappings(), spec.linux().gidMappings());
            }
            if (waitsForGo(steps)) helper.go(st.specStateJson(Status.CREATING).getBytes(StandardCharsets.UTF_8), HookStates.inContainer(spec, st, pid));
            StateStore.stopAt("create:pid");
            // Saved as created while the init mounts: no
            // other command reads it before this one unlocks, and if this JVM dies now the state
            // has the pid for delete to kill.
            draft.commit(st.pid(), st.startTime());
            draft = null;
            StateStore.stopAt("create:committed");
            for (;;) {
                r = helper.next();
                if (r == null) throw new JrunException("the container's init exited during setup");
                if (r.kind() == 'E') throw helper.failure(r);
                if (r.kind() == 'R') break;
                if (r.kind() != 'B') throw new JrunException("unexpected report '" + r.kind() + "' from the helper");
                String state = HookStates.host(st, Status.CREATED);
                if (debug != null) debug.accept("create " + id + ": the init's mounts are made: prestart, createRuntime and prechroot hooks");
                HookRunner.run(spec.hooks().prestart(), state);
                HookRunner.run(spec.hooks().createRuntime(), state);
                HookRunner.run(spec.hooks().prechroot(), state);
                helper.go(new byte[0]);
            }
            if (hostMounts != null) { // the init has made its mounts: record them
                hostMounts = new HostMounts.Record(hostMounts.rootfs(), hostMounts.before(),
                        HostMounts.made(hostMounts.before(), ProcStat.read("/proc/self/mountinfo"), hostMounts.rootfs()));
                StateStore.writeAtomically(store.dir(id).resolve(HOST_MOUNTS), hostMounts.text());
                if (debug != null) debug.accept("create " + id + ": " + hostMounts.made().size() + " mounts made in the host's mount namespace, recorded");
            }
            st = st.with(Status.CREATED);
            if (debug != null) debug.accept("create " + id + ": created; the init waits on " + store.fifo(id) + " for start");
            extension.created(spec, st);
            if (opts.pidFile() != null) writePidFile(Path.of(opts.pidFile()), pid);
            if (!opts.foreground()) helper.waitFor();
            StateStore.stopAt("create:created");
            return new Creation(lock, st, helper, relay);
        } catch (RuntimeException | IOException e) {
            if (draft != null) draft.close();
            if (made != null) { // it removes its own on failure
                Made m = made.getQuietly();
                if (m != null) {
                    dirs = m.dirs();
                    helper = m.helper();
                }
            } else if (madeDirs != null) { // made, and not handed on yet
                List<String> d = madeDirs.getQuietly();
                if (d != null) dirs = d;
            }
            if (helper != null) {
                // An init this thread has not heard of yet (the second thread started the helper):
                // its 'P' comes, or the helper's error. It must be gone before its cgroups go.
                if (st == null || st.pid() == 0) unannounced = killUnannounced(helper);
                helper.close();
            }
            if (helper == null && spare != null) { // made, and not handed on
                HelperProcess h = spare.getQuietly();
                if (h != null) {
                    h.close(); // it exits at EOF, before any clone
                    h.reapWithin(2000);
                }
            }
            if (relay != null) relay.close();
            if (lock == null) lock = early.getQuietly(); // null: it failed (another container's id), and holds nothing
            try {
                if (st != null) destroy(st.withCgroups(dirs));
                else {
                    if (lock != null) undoHostMounts(id);
                    CgroupPlacement.remove(dirs);
                    if (lock != null) store.remove(id);
                }
            } finally {
                if (lock != null) lock.close();
            }
            // no zombie for the caller's subreaper: the init (dead now; ours as its subreaper) and the helper
            // helper first: when it has exited, its init (if still its child) has come to us
            if (helper != null) helper.reapWithin(2000);
            long init = st != null && st.pid() > 0 ? st.pid() : unannounced;
            if (init > 0) jrun.linux.PosixLock.reap(init);
            if (e instanceof JrunException je) throw je;
            if (e instanceof IOException io) throw new JrunException(opts.bundle() + ": " + io.getMessage(), io);
            throw (RuntimeException) e;
        }
    }

    /**
     * On the second thread, once the id is ours: state.json's first record (StateStore.claim), then
     * the cgroups it names. A create killed after the claim leaves a container delete finds whole.
     */
    private List<String> claimAndMake(String id, Path bundle, Map<String, String> paths, List<CgroupHierarchy> hierarchies) {
        StateStore.stopAt("create:locked");
        store.claim(id, bundle.toString(), CgroupPlacement.dirs(paths));
        StateStore.stopAt("create:claimed");
        List<String> dirs = CgroupPlacement.create(paths, CgroupPlacement.withoutCpuset(hierarchies));
        StateStore.stopAt("create:cgroups");
        return dirs;
    }

    /**
     * The container's cgroups, made, and the steps that write its limits into them: encoded in
     * body, or sent as the first part of the plan to helper when there is a host part.
     */
    private record Made(List<String> dirs, List<Step> limits, byte[] body, HelperProcess helper) {}

    /**
     * Second-thread work of a create, while the first plans: the cgroups and their limits; then,
     * with hostPart (which the first thread runs), the plan's first part to the helper.
     */
    private Made cgroups(Spec spec, List<String> dirs, List<CgroupHierarchy> hierarchies, boolean warm,
            Beside.Task<List<Step>> hostPart, Beside<HelperProcess> spare) {
        try {
            if (warm) CgroupPlacement.warmUp(hierarchies);
            List<Step> limits;
            if (!rootless.on()) limits = hardening.limits(spec, dirs);
            else {
                rootless.checkLimits(spec.linux().resources(), !dirs.isEmpty());
                limits = dirs.isEmpty() ? List.of() : hardening.rootlessLimits(spec, dirs);
            }
            if (hostPart == null) return new Made(dirs, limits, Plan.body(limits), null);
            List<Step> first = new ArrayList<>(limits); // first: host paths, before any setns
            first.addAll(hostPart.get()); // its error is the first thread's to report; this one cleans up
            first.add(Step.of(Op.MORE, "plan"));
            HelperProcess h = spare != null ? spare.get() : null; // in its own network namespace already
            if (h != null) h.more(first, Plan.continuation(first));
            else h = HelperProcess.start(first);
            return new Made(dirs, limits, null, h);
        } catch (RuntimeException e) {
            CgroupPlacement.remove(dirs);
            throw e;
        }
    }

    /** Queues, on the second thread after what it has already, the sending of part to made's helper. */
    private static Beside<Void> send(Beside<Made> made, List<Step> part) {
        byte[] body = Plan.continuation(part);
        return made.then(() -> {
            made.get().helper().more(part, body);
            return null;
        });
    }

    /** Whether linux.namespaces, as config.json has it, asks for a new network namespace and has no user namespace. */
    private static boolean rawNewNetwork(Map<String, Object> tree) {
        if (!(tree.get("linux") instanceof Map<?, ?> linux) || !(linux.get("namespaces") instanceof List<?> ns)) return false;
        boolean net = false;
        for (Object o : ns) {
            if (!(o instanceof Map<?, ?> n)) return false;
            Object type = n.get("type"), path = n.get("path");
            if ("user".equals(type)) return false;
            if ("network".equals(type)) net = path == null || "".equals(path);
        }
        return net;
    }

    /** linux.cgroupsPath as config.json has it ("" when absent), or null when it is not a string or holds a NUL (Spec reports that). */
    private static String rawCgroupsPath(Map<String, Object> tree) {
        Object linux = tree.get("linux");
        if (linux == null) return "";
        if (!(linux instanceof Map<?, ?> m)) return null;
        Object p = m.get("cgroupsPath");
        return p == null ? "" : p instanceof String str && str.indexOf('\0') < 0 ? str : null;
    }

    /**
     * The host's mount table and cgroup hierarchies, and the launcher's helper taken (for the
     * second thread's start()). On this thread, after the config, while the second takes the lock
     * (and its helper makes a network namespace): the cgroups it makes next need them.
     */
    private HostView hostView(String cgroupsPath, String defaultName) {
        String mountinfo = ProcStat.read("/proc/self/mountinfo");
        Map<String, String> own = CgroupHierarchy.ownPaths(ProcStat.read("/proc/self/cgroup"));
        List<CgroupHierarchy> hierarchies = CgroupHierarchy.parse(mountinfo, own);
        hardening.knowLayout(jrun.linux.cgroups.CgroupLayout.of(hierarchies, own));
        // rootless: only the hierarchies where the user may make the container's cgroup (the layout stays the host's)
        List<CgroupHierarchy> all = hierarchies;
        if (rootless.on()) hierarchies = rootless.usable(hierarchies, CgroupPlacement.paths(cgroupsPath, defaultName, hierarchies));
        HelperProcess.adoptPrefork();
        return new HostView(mountinfo, hierarchies, all);
    }

    /** Whether a plan's process (a create's init, or an exec'd process) waits for Java's go (the planners decide). */
    static boolean waitsForGo(List<Step> init) {
        for (Step s : init)
            if (s.op() == Op.WAIT_GO) return true;
        return false;
    }

    /** Kills the init of a helper whose 'P' was not read yet, if it was born, and waits until it is dead; its pid, or 0. */
    private static long killUnannounced(HelperProcess helper) {
        Report r;
        try {
            r = helper.next();
        } catch (JrunException e) {
            return 0; // the helper is gone, and no init with it
        }
        if (r == null || r.kind() != 'P') return 0;
        long start = ProcStat.liveStartTime(r.value());
        if (start < 0) return r.value();
        ProcessHandle.of(r.value()).ifPresent(ProcessHandle::destroyForcibly);
        for (int i = 0; i < 500 && ProcStat.isAlive(r.value(), start); i++) CgroupPlacement.sleep(10);
        return r.value();
    }

    private static Report expect(HelperProcess helper, char kind) {
        Report r = helper.next();
        if (r == null) throw new JrunException("jrun-helper exited without a report (status " + helper.waitFor() + ")");
        if (r.kind() == 'E') throw helper.failure(r);
        if (r.kind() != kind) throw new JrunException("unexpected report '" + r.kind() + "' from the helper");
        return r;
    }

    /** process.oomScoreAdj, from the host before the init goes on (runc's parent does the same). */
    static void writeOomScoreAdj(long pid, int value) {
        Path p = Path.of("/proc/" + pid + "/oom_score_adj");
        try {
            jrun.linux.ProcFiles.write(p.toString(), Integer.toString(value).getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new JrunException("process.oomScoreAdj: cannot write " + p + ": " + e.getMessage(), e);
        }
    }

    /** The pid file containerd reads: the number, no newline, replaced atomically. */
    static void writePidFile(Path file, long pid) {
        StateStore.writePidFile(file.toAbsolutePath(), Long.toString(pid));
    }

    public void start(String id) {
        try (StateStore.Lock lock = store.lock(id)) {
            ContainerState st = store.load(id);
            startLocked(st);
        }
    }

    private void startLocked(ContainerState st) {
        Status s = StateStore.liveStatus(st);
        if (!s.canStart()) {
            throw new JrunException(switch (s) {
                case STOPPED -> "cannot start a container that has stopped";
                case RUNNING -> "cannot start an already running container";
                default -> "cannot start a container in the " + s.specName() + " state";
            });
        }
        // Checked first: the fallback's O_CREAT would make a missing fifo a file.
        if (!st.hooks().isEmpty()) jrun.Invocation.coldOnly("hooks run in the caller's process");
        Path fifo = store.fifo(st.id());
        if (!fifo.toFile().exists()) throw new JrunException("cannot start container " + st.id() + ": its exec fifo is gone");
        // Saved before the init is released: a save that fails (a full /run) must not leave it running as "created".
        ContainerState running = st.with(Status.RUNNING);
        if (debug != null) debug.accept("start " + st.id() + ": pid " + st.pid() + " released through " + fifo);
        store.save(running);
        StateStore.stopAt("start:saved");
        String failed;
        try {
            failed = jrun.linux.StartFifo.start(fifo); // returns once the process runs, or could not be started
        } catch (IOException e) {
            try {
                store.save(st); // not released: still created
            } catch (JrunException ignored) {
                // this error says more
            }
            if ("No such device or address".equals(e.getMessage())) // ENXIO: nobody reads the fifo
                throw new StartFailed("cannot start container " + st.id() + ": its init is gone");
            throw new JrunException(fifo + ": " + e.getMessage(), e);
        }
        // released: its process exited at once if it could not be started, so the saved running reads as stopped
        if (failed != null) throw new StartFailed("cannot start container " + st.id() + ": " + failed);
        StateStore.stopAt("start:released");
        try {
            Files.deleteIfExists(fifo);
        } catch (IOException ignored) {
            // delete removes it with the directory
        }
        // runtime-spec 1.2.1 (the ociVersion jrun reports), runtime.md, lifecycle step 9: a failing
        // poststart hook is a warning, and the remaining hooks and the lifecycle go on (as crun;
        // runc fails and kills the container, which the spec says only from 1.3.0 on).
        String state = HookStates.host(running, Status.RUNNING);
        if (debug != null && !savedHooks(st).poststart().isEmpty()) debug.accept("start " + st.id() + ": poststart hooks");
        for (Hook h : savedHooks(st).poststart()) {
            try {
                HookRunner.run(h, state);
            } catch (JrunException e) {
                jrun.Invocation.current().err().println("jrun: warning: " + e.getMessage());
            }
        }
        extension.started(running);
    }

    /** The container's process could not be started: its init is gone, and run reads the helper's own report of why. */
    private static final class StartFailed extends JrunException {
        StartFailed(String message) {
            super(message);
        }
    }

    public String state(String id) {
        try (StateStore.Lock lock = store.lock(id)) {
            ContainerState st = store.load(id);
            return st.specStateJson(StateStore.liveStatus(st));
        }
    }

    public void kill(String id, int signal, boolean all) {
        try (StateStore.Lock lock = store.lock(id)) {
            ContainerState st = store.load(id);
            boolean live = StateStore.liveStatus(st).canKill();
            // --all on a stopped container succeeds, as runc's does: it signals whatever is left in
            // the cgroups (none, or stragglers of a shared pid namespace). containerd's shim sends
            // `kill --all ID 9` when it stops a container whose init has already exited (a CRI pod).
            if (!live && !all) throw new JrunException("container not running");
            if (debug != null) debug.accept("kill " + id + ": signal " + signal + " to " + (all ? "every process in " + st.cgroupDirs() : "pid " + st.pid()));
            signal(st, signal, all, live);
        }
    }

    private static void signal(ContainerState st, int signal, boolean all, boolean live) {
        List<Step> steps = new ArrayList<>();
        if (all) {
            for (long pid : Rootless.processes(st)) { // its cgroups', or without any its pid namespace's
                long start = ProcStat.liveStartTime(pid);
                if (start >= 0) steps.add(Step.of(Op.SIGNAL, "kill --all", pid, start, (long) signal));
            }
        }
        if (steps.isEmpty()) {
            if (!live) return; // stopped, and nothing left in its cgroups
            steps.add(Step.of(Op.SIGNAL, "kill", st.pid(), st.startTime(), (long) signal));
        }
        try {
            if (jrun.Invocation.current().warm() && jrun.linux.Pidfd.available()) { // the engine signals itself: no helper to fork (docs/engine.md)
                for (Step s : steps) jrun.linux.Pidfd.signal(s.number(0), s.number(1), (int) s.number(2));
            } else {
                HelperProcess.runToEnd(steps);
            }
        } catch (JrunException e) {
            if (e.getMessage().contains("No such process")) {
                if (!live) return; // a straggler that exited since the cgroup was read
                throw new JrunException("no such process");
            }
            throw e;
        }
    }

    public void delete(String id, boolean force) {
        // As runc: forced, a container that is not there is deleted already (callers force-delete
        // after every removal, and after a failed create). An invalid id is still an error.
        StateStore.Lock locked;
        try {
            locked = store.lock(id);
        } catch (JrunException e) {
            if (force && !Files.isDirectory(store.dir(id), java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
            throw e;
        }
        try (StateStore.Lock lock = locked) {
            ContainerState st;
            try {
                st = store.load(id);
            } catch (JrunException e) {
                // A create killed before its first record (nothing but the directory and lock), or
                // a state.json that cannot be read: --force removes what can be found without it.
                boolean missing = !Files.exists(store.dir(id).resolve("state.json"));
                if (!missing && !force) throw e;
                if (!missing) jrun.Invocation.current().err().println("jrun: warning: " + e.getMessage() + "; removing what can be found of container " + id);
                destroyUnrecorded(id);
                return;
            }
            Status s = StateStore.liveStatus(st);
            if (!s.canDelete(force)) throw new JrunException("cannot delete container " + id + " that is not stopped: " + s.specName());
            if (debug != null) debug.accept("delete " + id + ": " + s.specName() + (force ? ", --force" : ""));
            if (!st.hooks().isEmpty()) jrun.Invocation.coldOnly("hooks run in the caller's process");
            destroy(st);
        }
    }

    /**
     * A container without a readable state.json: its cgroups as a create would name them (its
     * config.json copy's cgroupsPath if the rules left one, else the default name for this root
     * and id), their processes killed, then the cgroups and the directory removed.
     */
    private void destroyUnrecorded(String id) {
        String cgroupsPath = "";
        Path copy = store.dir(id).resolve("config.json");
        if (Files.isRegularFile(copy)) {
            try {
                String p = rawCgroupsPath(Spec.readTree(store.dir(id)));
                if (p != null) cgroupsPath = p;
            } catch (RuntimeException e) {
                jrun.Invocation.current().err().println("jrun: warning: " + copy + ": " + e.getMessage() + "; using the default cgroups");
            }
        }
        String mountinfo = ProcStat.read("/proc/self/mountinfo");
        List<CgroupHierarchy> hierarchies = CgroupHierarchy.parse(mountinfo, CgroupHierarchy.ownPaths(ProcStat.read("/proc/self/cgroup")));
        List<String> dirs = CgroupPlacement.dirs(CgroupPlacement.paths(cgroupsPath, CgroupPlacement.defaultName(store.root(), id), hierarchies));
        int born = killAll(dirs, null);
        if (debug != null) debug.accept("delete " + id + ": the processes in " + dirs + " killed (" + born + " born during the kill)");
        StateStore.stopAt("delete:killed");
        undoHostMounts(id);
        CgroupPlacement.remove(dirs);
        StateStore.stopAt("delete:cgroups");
        store.remove(id);
    }

    /**
     * SIGKILL to every process in dirs until they are empty: a create killed before it recorded
     * its init's pid leaves an init (and maybe a child it is forking) known only by its cgroups.
     * Each round freezes them first, so the list read is every process and none forks out of the
     * kill (docs/reliability.md). known: the pids killed before (null: none); returns how many
     * processes it met that were not known nor in its first list: born during the kill, 0 when
     * the freezer did its work (--debug says so; DeleteFreezeIT checks it).
     */
    private static int killAll(List<String> dirs, java.util.Set<Long> known) {
        java.util.Set<Long> seen = known == null ? new java.util.HashSet<>() : new java.util.HashSet<>(known);
        int born = 0;
        for (int i = 0; i < 500; i++) {
            if (CgroupPlacement.pids(dirs).isEmpty()) return born;
            ContainerCgroups.freezeAll(dirs); // frozen, nothing forks: the list read next is every process
            for (long pid : CgroupPlacement.pids(dirs)) {
                if (seen.add(pid) && (i > 0 || known != null)) born++;
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            ContainerCgroups.thaw(dirs); // a killed process in a frozen v1 cgroup dies once thawed
            CgroupPlacement.sleep(i == 0 ? 1 : 10);
        }
        return born;
    }

    /** Kills what is left, runs poststop hooks (failures are warnings), removes cgroup and state. */
    private void destroy(ContainerState st) {
        java.util.Set<Long> known = null;
        if (st.pid() > 0 && ProcStat.isAlive(st.pid(), st.startTime())) {
            ContainerCgroups.freezeAll(st.cgroupDirs()); // nothing forks between the cgroup's list and the kills
            known = CgroupPlacement.pids(st.cgroupDirs());
            try {
                signal(st, 9, true, true);
            } catch (JrunException e) {
                // it died on its own meanwhile
            }
            ContainerCgroups.thaw(st.cgroupDirs()); // the kills land once thawed (a paused container too)
            for (int i = 0; i < 500 && ProcStat.isAlive(st.pid(), st.startTime()); i++) CgroupPlacement.sleep(10);
        }
        int born = killAll(st.cgroupDirs(), known); // stragglers of a shared pid namespace, or an init a killed create never recorded
        if (debug != null) debug.accept("delete " + st.id() + ": the processes in " + st.cgroupDirs() + " killed (" + born + " born during the kill)");
        StateStore.stopAt("delete:killed");
        undoHostMounts(st.id());
        if (st.status() != Status.CREATING) {
            try {
                for (Hook h : savedHooks(st).poststop()) {
                    try {
                        HookRunner.run(h, HookStates.poststop(st));
                    } catch (JrunException e) {
                        jrun.Invocation.current().err().println("jrun: warning: " + e.getMessage());
                    }
                }
            } catch (JrunException e) {
                jrun.Invocation.current().err().println("jrun: warning: poststop hooks: " + e.getMessage());
            }
        }
        CgroupPlacement.remove(st.cgroupDirs());
        StateStore.stopAt("delete:cgroups");
        store.remove(st.id());
        if (debug != null) debug.accept("delete " + st.id() + ": processes gone, poststop hooks run, cgroups " + st.cgroupDirs() + " and state removed");
    }

    /** ROOT/ID/host-mounts: the record of a container without a mount namespace (HostMounts). */
    static final String HOST_MOUNTS = "host-mounts";

    /**
     * Detaches what a container without a mount namespace left mounted in the host's (HostMounts),
     * deepest first. Fails, keeping the state for another delete, if any of it stays mounted.
     */
    private void undoHostMounts(String id) {
        Path f = store.dir(id).resolve(HOST_MOUNTS);
        if (!Files.exists(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        HostMounts.Record r;
        try {
            r = HostMounts.Record.parse(Files.readString(f));
        } catch (IOException | RuntimeException e) {
            throw new JrunException(f + ": cannot read the record of the host's mounts: " + e.getMessage(), e);
        }
        List<String> left = HostMounts.undo(r, () -> ProcStat.read("/proc/self/mountinfo"));
        if (debug != null) debug.accept("delete " + id + ": the host's mounts below " + r.rootfs() + " detached");
        if (!left.isEmpty()) throw new JrunException("container " + id + ": still mounted on the host after the unmount: " + String.join(", ", left) + "; the state is kept");
    }

    /** The poststart/poststop hooks saved at create, read with the spec model's checks. */
    private static Hooks savedHooks(ContainerState st) {
        if (st.hooks().isEmpty()) return Hooks.NONE;
        return Spec.from(Map.of("ociVersion", "1.0.0", "root", Map.of("path", "."), "linux", Map.of(), "hooks", st.hooks())).hooks();
    }

    /** run: create and start; in the foreground, wait and return the container's exit status. */
    public int run(String id, CreateOptions opts) {
        return run(id, opts, false);
    }

    /**
     * create and start; in the foreground, wait for the process and return its status. keep: a
     * container whose process exited is left stopped, for `delete` (run --keep), not deleted.
     */
    public int run(String id, CreateOptions opts, boolean keep) {
        Creation c = doCreate(id, opts);
        try {
            // Before the program can run (and tell anyone it is up): from here on, signals to jrun go to it.
            if (opts.foreground()) SignalForwarder.forwardTo(c.helper().pid());
            try {
                startLocked(c.state());
            } catch (JrunException e) {
                if (e instanceof StartFailed) { // the init reported to the helper too, naming the config field
                    Report r = c.helper().next();
                    if (r != null && r.kind() == 'E') e = c.helper().failure(r);
                }
                c.helper().close();
                destroy(store.load(id));
                if (c.relay() != null) c.relay().close();
                throw e;
            }
        } finally {
            c.lock().close();
        }
        if (!opts.foreground()) {
            c.helper().close();
            return 0;
        }
        Report r = c.helper().next(); // EOF: the program ran and exited (the helper kept the pipe); 'E': it could not be exec'd
        int status = c.helper().waitFor();
        c.helper().close();
        if (debug != null) debug.accept("run " + id + ": the process exited with status " + status + (keep ? "; kept, stopped (--keep)" : ""));
        try {
            if (!keep) {
                try (StateStore.Lock lock = store.lock(id)) {
                    destroy(store.load(id));
                }
            }
        } finally {
            if (c.relay() != null) c.relay().finish(); // the pty's last output, before jrun returns
        }
        if (r != null && r.kind() == 'E') throw c.helper().failure(r);
        return status;
    }

    public List<ContainerState> list() {
        List<ContainerState> out = new ArrayList<>();
        for (String id : store.ids()) {
            try {
                out.add(store.load(id));
            } catch (JrunException e) { // removed meanwhile, or unreadable: said, as runc does, and the others listed
                if (Files.exists(store.dir(id).resolve("state.json"))) jrun.Invocation.current().err().println("jrun: warning: " + e.getMessage());
            }
        }
        return out;
    }
}
