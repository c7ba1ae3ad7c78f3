package jrun.runtime;

import static jrun.linux.MountFlags.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jrun.JrunException;
import jrun.helper.HelperProcess;
import jrun.helper.Op;
import jrun.helper.Step;
import jrun.linux.CgroupHierarchy;
import jrun.linux.DevicePlanner;
import jrun.linux.HostFiles;
import jrun.linux.MountInfo;
import jrun.linux.MountPlanner;
import jrun.spec.ConfigTree;
import jrun.spec.Hook;
import jrun.spec.Mount;
import jrun.spec.Namespace;
import jrun.spec.ProcessSpec;
import jrun.spec.ProcessTuning;
import jrun.spec.Rlimit;
import jrun.spec.Spec;

/**
 * Compiles a container's config into the helper's steps (see src/main/c/helper.c for the
 * exchange). Pure: everything it needs about the host comes in through the constructor, so a
 * plan is checked as data in unit tests. The order of steps is the order of the spec's
 * lifecycle; comments say why where it matters.
 */
public final class Planner {
    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final Spec spec;
    private final String id;
    private final Path rootfs;
    private final CreateOptions opts;
    private final Path fifo;
    private final HostFiles host;
    private final String mountinfo;
    private final List<CgroupHierarchy> hierarchies;
    private final Map<String, String> containerCgroups;
    private final Hardening hardening;
    private boolean networkMade;

    public Planner(Spec spec, String id, Path rootfs, CreateOptions opts, Path fifo, HostFiles host, String mountinfo,
            List<CgroupHierarchy> hierarchies, Map<String, String> containerCgroups) {
        this(spec, id, rootfs, opts, fifo, host, mountinfo, hierarchies, containerCgroups, Hardening.NONE);
    }

    public Planner(Spec spec, String id, Path rootfs, CreateOptions opts, Path fifo, HostFiles host, String mountinfo,
            List<CgroupHierarchy> hierarchies, Map<String, String> containerCgroups, Hardening hardening) {
        this.id = id;
        this.hardening = hardening;
        this.spec = spec;
        this.rootfs = rootfs;
        this.opts = opts;
        this.fifo = fifo;
        this.host = host;
        this.mountinfo = mountinfo;
        this.hierarchies = hierarchies;
        this.containerCgroups = containerCgroups;
    }

    /**
     * Whether the init joins its cgroups by itself (v2: born in it; v1: `tasks` writes), so Java
     * places it in none: not in a new user namespace, where the init may not write host cgroup files.
     */
    public static boolean selfPlaced(Spec spec) {
        Namespace user = spec.namespace(Namespace.Type.USER);
        return user == null || !user.isNew();
    }

    /** The container's cgroup directories in the v1 hierarchies. */
    static List<String> v1Dirs(List<CgroupHierarchy> hierarchies, Map<String, String> containerCgroups) {
        List<String> out = new ArrayList<>();
        for (CgroupHierarchy h : hierarchies)
            if (!h.v2() && containerCgroups.containsKey(h.mountpoint())) out.add(h.mountpoint() + containerCgroups.get(h.mountpoint()));
        return out;
    }

    /** The directories Java places the init in after 'P': the v1 ones of an init that does not join them itself. */
    public static List<String> javaPlaced(Spec spec, List<CgroupHierarchy> hierarchies, Map<String, String> containerCgroups) {
        return selfPlaced(spec) ? List.of() : v1Dirs(hierarchies, containerCgroups);
    }

    /** Whether Java must stop at a barrier to run host-side hooks before the pivot. */
    public static boolean hasHostHooks(Spec spec) {
        return !spec.hooks().prestart().isEmpty() || !spec.hooks().createRuntime().isEmpty() || !spec.hooks().prechroot().isEmpty();
    }

    /**
     * The helper has made the new network namespace for itself already (an UNSHARE before this
     * plan's steps): CLONE leaves it out, and the init is born into the helper's.
     */
    public void networkMade() {
        if (!isNew(Namespace.Type.NETWORK) || spec.hasNamespace(Namespace.Type.USER))
            throw new IllegalStateException("a network namespace made ahead for a config that wants none, or with a user namespace");
        networkMade = true;
    }

    public List<Step> plan() {
        List<Step> s = host();
        s.addAll(init());
        return s;
    }

    /** The runtime side of the plan, which the helper runs: checks, fds, the fifo, joined namespaces, up to CLONE. */
    public List<Step> host() {
        ProcessSpec p = spec.process();
        if (p == null) throw new JrunException("process: required to create a container");
        // A joined mount namespace (path) is set up as a new one is, as runc and crun do: the
        // rootfs is mounted and pivoted into inside it. Without one the container's mounts are
        // the host's (hostMountNamespace): recorded and undone at delete (Lifecycle, HostMounts).
        if (hostMountNamespace(spec) && isShared(spec.linux().rootfsPropagation()))
            throw new JrunException("linux.rootfsPropagation: \"" + spec.linux().rootfsPropagation()
                    + "\" needs a mount namespace of the container's own; without one the container's mounts would propagate to the host's peers");
        // The container's own uts namespace, new or joined (runc and crun set the name in a joined one too); never the host's.
        if (!spec.hostname().isEmpty() && !spec.hasNamespace(Namespace.Type.UTS))
            throw new JrunException("hostname: setting it needs a uts namespace");
        if (!spec.domainname().isEmpty() && !spec.hasNamespace(Namespace.Type.UTS))
            throw new JrunException("domainname: setting it needs a uts namespace");
        if (p.terminal() && (opts.consoleSocket() == null || opts.consoleSocket().isEmpty()))
            throw new JrunException("cannot allocate tty if jrun will detach without setting console socket"); // runc's text
        if (!p.terminal() && opts.consoleSocket() != null && !opts.consoleSocket().isEmpty())
            throw new JrunException("--console-socket: cannot use console socket if jrun will not detach or allocate tty (process.terminal is false)"); // runc's text

        List<Step> s = new ArrayList<>(128);
        // Runtime side (the helper, before CLONE): fds first, before the helper opens anything.
        if (!p.terminal()) for (long fd = 0; fd < 3; fd++) s.add(Step.of(Op.GETFD, "stdio", fd, fd));
        for (long fd = 3; fd < 3 + opts.extraFds(); fd++) s.add(Step.of(Op.GETFD, "--preserve-fds", fd, fd));
        if (p.terminal()) s.add(Step.of(Op.CONSOLE_SOCKET, "--console-socket", opts.consoleSocket()));
        s.add(Step.of(Op.MKFIFO, "state", fifo.toString(), 0600L));
        s.add(Step.of(Op.OPEN_FIFO, "state", fifo.toString()));
        // Idmapped binds: made in the host's namespaces, before any is joined (initRest attaches them).
        MountPlanner idmaps = null;
        for (Mount m : spec.mounts()) {
            if (!m.idmapped()) continue;
            if (idmaps == null) idmaps = new MountPlanner(host, opts.bundle(), hierarchies, containerCgroups, false);
            idmaps.idmapTree(s, m);
        }
        joinNamespaces(s);
        long flags = 0;
        for (Namespace n : spec.linux().namespaces())
            if (n.isNew() && n.type() != Namespace.Type.TIME && n.type() != Namespace.Type.CGROUP
                    && !(n.type() == Namespace.Type.NETWORK && networkMade)) flags |= n.type().flag;
        if (isNew(Namespace.Type.TIME)) { // clone(2) cannot create one; children of the unsharer enter it
            s.add(Step.of(Op.UNSHARE, "linux.namespaces (time)", Namespace.Type.TIME.flag));
            s.add(Step.of(Op.WRITE_FILE, "linux.timeOffsets", "/proc/self/timens_offsets", timeOffsets()));
        }
        String bornIn = "";
        for (CgroupHierarchy h : hierarchies)
            if (h.v2() && containerCgroups.containsKey(h.mountpoint())) bornIn = h.mountpoint() + containerCgroups.get(h.mountpoint());
        // The helper stays for a foreground run, and keeps the report pipe until the container
        // exits (run reads EOF then, and need not poll the helper's exit); detached, it leaves
        // once the init is ready, or at once when its pipes are this JVM's own (then create need
        // not wait for it to exit).
        long stay = opts.foreground() ? 3L : HelperProcess.launcherHelper() ? 2L : 0L;
        s.add(Step.of(Op.CLONE, "linux.namespaces", flags, stay, bornIn));
        return s;
    }

    /** Rootless mode's cgroup mounts: every hierarchy, or null (then those the container has a cgroup in); set: rootless (mknod refused too). */
    private List<CgroupHierarchy> cgroupMounts;
    private Map<String, String> cgroupMountPaths;

    /**
     * Rootless mode: a cgroup mount binds, read-only, the container's cgroup where it has one and
     * jrun's own elsewhere (as runc does), never mounting a cgroup filesystem (a user namespace may not).
     */
    public Planner rootlessCgroupMounts(List<CgroupHierarchy> all) {
        Map<String, String> paths = new java.util.LinkedHashMap<>();
        for (CgroupHierarchy h : all) paths.put(h.mountpoint(), containerCgroups.getOrDefault(h.mountpoint(), h.ownPath()));
        this.cgroupMounts = all;
        this.cgroupMountPaths = paths;
        return this;
    }

    /** The init's side of the plan, after CLONE: cgroups, the go, the rootfs, hooks, identity, exec. */
    public List<Step> init() {
        boolean go = goFirst();
        List<Step> s = initStart(go);
        List<Step> rest = initRest();
        if (!go && needsGo(rest)) s.add(Step.of(Op.WAIT_GO, "create")); // the seccomp listener's: the init mounts first
        s.addAll(rest);
        return s;
    }

    /** The init's plan up to its pivot: cgroups, the go (with go), the rootfs and /dev, and the barrier for host hooks. */
    private List<Step> initStart(boolean go) {
        List<Step> s = new ArrayList<>(96);

        // The container's init. Without a user namespace it joins its v1 cgroups itself, each by
        // writing "0" to `tasks`: moving only the calling thread skips the migration lock (and its
        // 6-12 ms RCU wait) that a cgroup.procs write takes. In a user namespace it may not; Java
        // places it (see selfPlaced). Then Java has written the id maps, and says go.
        if (selfPlaced(spec))
            for (String dir : v1Dirs(hierarchies, containerCgroups))
                s.add(Step.of(Op.WRITE_FILE, "linux.cgroupsPath", dir + "/tasks", new byte[] {'0'}));
        // A new user namespace: the init is born dumpable (helper.c do_clone), so that Java may
        // write its id maps without root (a non-dumpable process's /proc files are root's), and is
        // not dumpable any more once they are written.
        if (go) s.add(Step.of(Op.WAIT_GO, "create"));
        if (go && isNew(Namespace.Type.USER)) s.add(Step.of(Op.DUMPABLE, "linux.uidMappings", 0L));
        if (isNew(Namespace.Type.USER)) { // still the host's root until it becomes the mapped root
            s.add(Step.of(Op.SETGID, "linux.gidMappings", 0L));
            s.add(Step.of(Op.SETUID, "linux.uidMappings", 0L));
        }
        // After the cgroup placement, so the namespace's root is the container's cgroup.
        if (isNew(Namespace.Type.CGROUP)) s.add(Step.of(Op.UNSHARE, "linux.namespaces (cgroup)", Namespace.Type.CGROUP.flag));
        s.add(Step.of(Op.SETSID, "process"));
        // Like runc: the container's own session keyring, unless --no-new-keyring.
        if (!opts.noNewKeyring()) s.add(Step.of(Op.JOIN_KEYRING, "--no-new-keyring", "_ses." + id));
        // process.oomScoreAdj: Java writes it from the host (Lifecycle), as runc's parent does: in a
        // user namespace the init cannot open its own /proc/self/oom_score_adj.
        rootfs(s);
        if (hasHostHooks(spec)) s.add(Step.of(Op.BARRIER, "hooks"));
        return s;
    }

    /**
     * The rest of the init's plan, after initStart: createContainer hooks, the pivot, the
     * process's identity and hardening, the start fifo and exec. With no go in initStart, one
     * that the rest needs (the seccomp listener's) is for init() to put first.
     */
    private List<Step> initRest() {
        ProcessSpec p = spec.process();
        List<Step> s = new ArrayList<>(64);
        hooks(s, spec.hooks().createContainer(), HookStates.CREATE_CONTAINER);
        hardening.beforePivot(spec, s);
        if (hostMountNamespace(spec)) s.add(Step.of(Op.ENTER_ROOT, "linux.namespaces (no mount namespace)", "")); // as runc, a chroot: into the root fd
        else s.add(opts.noPivot() ? Step.of(Op.CHROOT, "--no-pivot", rootfs.toString()) : Step.of(Op.PIVOT, "root.path", rootfs.toString()));
        afterPivot(s, p);
        process(s, p);
        return s;
    }

    /**
     * Whether the init must wait for Java's go right after CLONE, before its rootfs: for its id
     * maps, its cgroups or oom_score_adj written from the host, or the states its hooks get.
     * Without any of these it goes straight on (the go cost ~0.5 ms of every create); a seccomp
     * listener alone needs it only before the rest (needsGo of initRest).
     */
    public boolean goFirst() {
        return isNew(Namespace.Type.USER) || !selfPlaced(spec) || spec.process().oomScoreAdj() != null || hasHostHooks(spec)
                || !spec.hooks().createContainer().isEmpty() || !spec.hooks().startContainer().isEmpty();
    }

    /** Whether steps hold anything that needs Java's go first (hooks, the barrier, the seccomp listener). */
    public static boolean needsGo(List<Step> steps) {
        for (Step st : steps)
            if (st.op() == Op.HOOK || st.op() == Op.BARRIER || st.op() == Op.SECCOMP_LISTENER) return true;
        return false;
    }

    /** No mount namespace in linux.namespaces: the container's mounts are made in the runtime's (the host's). */
    public static boolean hostMountNamespace(Spec spec) {
        return spec.namespace(Namespace.Type.MOUNT) == null;
    }

    private static boolean isShared(String prop) {
        return prop.equals("shared") || prop.equals("rshared");
    }

    private boolean isNew(Namespace.Type t) {
        Namespace n = spec.namespace(t);
        return n != null && n.isNew();
    }

    /**
     * Joined namespaces, user first (the others may belong to it), mount last: the paths of the
     * others are the host's, and inside the joined mount namespace they may name other files.
     */
    private void joinNamespaces(List<Step> s) {
        List<Namespace> ns = spec.linux().namespaces();
        for (int pass = 0; pass < 3; pass++)
            for (int i = 0; i < ns.size(); i++) {
                Namespace n = ns.get(i);
                int order = n.type() == Namespace.Type.USER ? 0 : n.type() == Namespace.Type.MOUNT ? 2 : 1;
                if (n.isNew() || order != pass) continue;
                s.add(Step.of(Op.SETNS, "linux.namespaces[" + i + "].path", n.path(), n.type().flag));
            }
    }

    private byte[] timeOffsets() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, long[]> e : spec.linux().timeOffsets().entrySet())
            sb.append(e.getKey().equals("monotonic") ? 1 : 7).append(' ').append(e.getValue()[0]).append(' ').append(e.getValue()[1]).append('\n');
        return bytes(sb.toString());
    }

    /** linux.rootfsPropagation's flag (MS_REC for the r forms), or 0 for slave, the default. */
    private long propagation() {
        String prop = spec.linux().rootfsPropagation();
        long flag = switch (prop.startsWith("r") ? prop.substring(1) : prop) { // not replaceFirst: a regex, ~0.1 ms interpreted
            case "private" -> MS_PRIVATE;
            case "shared" -> MS_SHARED;
            case "unbindable" -> MS_UNBINDABLE;
            default -> 0;
        };
        return flag == 0 ? 0 : prop.startsWith("r") ? flag | MS_REC : flag;
    }

    private void rootfs(List<Step> s) {
        // Nothing we mount may propagate back to the host: every mount of the new namespace is a
        // slave (or private) while the rootfs is set up. shared and unbindable are the root's
        // after the pivot (afterPivot): a shared root here would be the host's peer, and an
        // unbindable one could not be bound onto itself.
        boolean isPrivate = (propagation() & MS_PRIVATE) != 0;
        if (hostMountNamespace(spec)) {
            // The host's mount namespace: its / is left alone. The rootfs is bound onto itself
            // through fds (BIND_ROOT: no path looked up after one open without symlinks; a copy of
            // it appears in the peers of a shared parent, and goes with it at delete) and made
            // private (unbindable if asked), so nothing mounted below it from here on reaches any
            // other mount, the host's or a peer's, and nothing of theirs comes in.
            s.add(Step.of(Op.BIND_ROOT, "root.path", rootfs.toString(), (propagation() & MS_UNBINDABLE) != 0 ? MS_UNBINDABLE : MS_PRIVATE));
        } else {
            s.add(Step.of(Op.MOUNT_HOST, "linux.rootfsPropagation", "", "/", "", (isPrivate ? MS_PRIVATE : MS_SLAVE) | MS_REC, ""));
            // pivot_root needs the rootfs to be a mount point.
            s.add(Step.of(Op.MOUNT_HOST, "root.path", rootfs.toString(), rootfs.toString(), "", MS_BIND | MS_REC, ""));
            s.add(Step.of(Op.SET_ROOT, "root.path", rootfs.toString()));
        }
        boolean newCgroupNs = isNew(Namespace.Type.CGROUP) && spec.namespace(Namespace.Type.USER) == null && cgroupMounts == null;
        MountPlanner mounts = cgroupMounts == null ? new MountPlanner(host, opts.bundle(), hierarchies, containerCgroups, newCgroupNs)
                : new MountPlanner(host, opts.bundle(), cgroupMounts, cgroupMountPaths, false);
        // linux.mountLabel: applied where SELinux is enabled (selinuxfs mounted), ignored elsewhere, as crun does.
        String label = spec.linux().mountLabel();
        if (!label.isEmpty() && MountInfo.hasType(mountinfo, "selinuxfs")) mounts.withMountLabel(label);
        boolean freshDev = false, bindDev = false;
        for (Mount m : spec.mounts()) {
            mounts.plan(s, m);
            if (ConfigTree.normalizeDestination(m.destination()).equals("/dev")) {
                freshDev = !m.type().equals("bind") && !m.options().contains("bind") && !m.options().contains("rbind");
                bindDev = !freshDev;
            }
        }
        if (!bindDev) // the host's /dev bound in: its nodes are already there
            new DevicePlanner(host, rootfs, isNew(Namespace.Type.USER) || cgroupMounts != null, freshDev).plan(s, spec.linux().devices(), spec.process().terminal());
    }

    /** In-container hooks; each reads the state Java sends to the helper's slot (HookStates). */
    private void hooks(List<Step> s, List<Hook> hooks, long stateSlot) {
        for (Hook h : hooks)
            s.add(Step.of(Op.HOOK, h.where(), h.path(), h.args(), h.env(), (long) h.timeoutSeconds(), stateSlot));
    }

    private void afterPivot(List<Step> s, ProcessSpec p) {
        long prop = propagation();
        if ((prop & (MS_SHARED | MS_UNBINDABLE)) != 0 && !hostMountNamespace(spec)) // as crun: the container's root gets a peer group of its own, or none
            s.add(Step.of(Op.MOUNT_HOST, "linux.rootfsPropagation", "", "/", "", prop, ""));
        // sysctls first: /proc/sys is usually among the read-only paths.
        for (Map.Entry<String, String> e : spec.linux().sysctl().entrySet()) {
            String key = e.getKey();
            if (key.contains("..") || key.startsWith("/") || key.isEmpty()) throw new JrunException("linux.sysctl: bad key \"" + key + "\"");
            s.add(Step.of(Op.WRITE_PROC, "linux.sysctl." + key, "sys/" + key.replace('.', '/'), bytes(e.getValue())));
        }
        List<String> ro = spec.linux().readonlyPaths(), masked = spec.linux().maskedPaths();
        for (int i = 0; i < ro.size(); i++) s.add(Step.of(Op.READONLY, "linux.readonlyPaths[" + i + "]", ro.get(i)));
        for (int i = 0; i < masked.size(); i++) s.add(Step.of(Op.MASK, "linux.maskedPaths[" + i + "]", masked.get(i)));
        if (spec.root().readonly()) s.add(Step.of(Op.SETATTR, "root.readonly", "/", ATTR_RDONLY, 0L, 0L));
        if (!spec.hostname().isEmpty()) s.add(Step.of(Op.SETHOSTNAME, "hostname", spec.hostname()));
        if (!spec.domainname().isEmpty()) s.add(Step.of(Op.SETDOMAINNAME, "domainname", spec.domainname()));
        if (p.terminal()) s.add(Step.of(Op.CONSOLE, "process.terminal", (long) p.consoleRows(), (long) p.consoleCols(), 1L));
    }

    private void process(List<Step> s, ProcessSpec p) {
        identity(s, spec, p, hardening, 3L + opts.extraFds());
        s.add(Step.of(Op.UMASK, "process.user.umask", (long) (p.user().umask() == null ? 022 : p.user().umask())));
        hardening.beforeStart(spec, s);
        List<String> env = withHome(p.env(), p.user().uid(), host.readInRoot(rootfs, "/etc/passwd"));
        if (opts.listenFds() > 0) {
            env.removeIf(e -> e.startsWith("LISTEN_FDS=") || e.startsWith("LISTEN_PID="));
            env.add("LISTEN_FDS=" + opts.listenFds());
            env.add("LISTEN_PID=1");
        }
        List<String> candidates = candidates(p.args().get(0), env);
        // As runc: a program that is not there fails the create, not the start.
        s.add(Step.of(Op.LOOKUP, "process.args", candidates, p.args().get(0)));
        s.add(Step.of(Op.WAIT_START, "start"));
        hooks(s, spec.hooks().startContainer(), HookStates.START_CONTAINER);
        hardening.beforeExec(spec, s);
        s.add(Step.of(Op.EXEC, "process.args", candidates, p.args(), env));
    }

    /**
     * The process's limits, directory and identity, in the order both the init and an exec need:
     * stray fds (from keepFds on) marked close-on-exec, personality, memory policy, scheduler and
     * I/O priority, rlimits, no_new_privs, cwd, then (after the hardening that must precede it)
     * groups, gid, uid.
     */
    static void identity(List<Step> s, Spec spec, ProcessSpec p, Hardening hardening, long keepFds) {
        // First: without no_new_privs the seccomp filter is loaded before the user switch, and a
        // profile older than close_range(2) refuses it (nothing after this opens an fd to keep).
        s.add(Step.of(Op.CLOSE_FDS, "--preserve-fds", keepFds));
        // while still privileged: a real-time policy or I/O class needs CAP_SYS_NICE / CAP_SYS_ADMIN
        if (spec.linux().personality() != null) s.add(Step.of(Op.PERSONALITY, "linux.personality", (long) spec.linux().personality()));
        ProcessTuning.MemoryPolicy mp = spec.linux().memoryPolicy();
        if (mp != null) s.add(Step.of(Op.MEMPOLICY, "linux.memoryPolicy", mp.modeAndFlags(), mp.nodes() == null ? new byte[0] : mp.nodes()));
        if (p.scheduler() != null) s.add(Step.of(Op.SCHED_ATTR, "process.scheduler", p.scheduler().attr()));
        if (p.ioPriority() != null) s.add(Step.of(Op.IOPRIO, "process.ioPriority", (long) p.ioPriority()));
        List<Rlimit> rl = p.rlimits();
        for (int i = 0; i < rl.size(); i++)
            s.add(Step.of(Op.RLIMIT, "process.rlimits[" + i + "]", (long) rl.get(i).resource(), rl.get(i).soft(), rl.get(i).hard()));
        if (p.noNewPrivileges()) s.add(Step.of(Op.NO_NEW_PRIVS, "process.noNewPrivileges"));
        s.add(Step.of(Op.CHDIR, "process.cwd", p.cwd()));
        hardening.beforeIdentity(spec, s);
        List<String> gids = new ArrayList<>();
        for (int g : p.user().additionalGids()) gids.add(Integer.toUnsignedString(g));
        s.add(Step.of(Op.SETGROUPS, "process.user.additionalGids", gids));
        s.add(Step.of(Op.SETGID, "process.user.gid", Integer.toUnsignedLong(p.user().gid())));
        s.add(Step.of(Op.SETUID, "process.user.uid", Integer.toUnsignedLong(p.user().uid())));
    }

    /**
     * As runc does: a process without HOME gets the home directory of its uid from the
     * container's /etc/passwd, or "/" when there is none.
     */
    static List<String> withHome(List<String> env, int uid, String passwd) {
        List<String> out = new ArrayList<>(env);
        for (String e : env) if (e.startsWith("HOME=")) return out;
        String home = "/";
        if (passwd != null) {
            for (String line : passwd.split("\n")) {
                String[] f = line.split(":", -1);
                if (f.length >= 7 && f[2].equals(Integer.toUnsignedString(uid)) && !f[5].isEmpty()) {
                    home = f[5];
                    break;
                }
            }
        }
        out.add("HOME=" + home);
        return out;
    }

    /** Where the helper looks for the program: as given if it has a slash, else each PATH entry. */
    static List<String> candidates(String program, List<String> env) {
        if (program.contains("/")) return List.of(program);
        String path = DEFAULT_PATH;
        for (String e : env) if (e.startsWith("PATH=")) path = e.substring(5);
        List<String> out = new ArrayList<>();
        for (String dir : path.split(":", -1)) out.add((dir.isEmpty() ? "." : dir) + "/" + program);
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
