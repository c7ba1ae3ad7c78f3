package jrun.runtime;

import static jrun.linux.MountFlags.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jrun.JrunException;
import jrun.helper.Op;
import jrun.helper.Step;
import jrun.linux.MountOptions;
import jrun.linux.cgroups.CgroupWrite;
import jrun.linux.cgroups.CgroupWriter;
import jrun.spec.ConfigTree;
import jrun.spec.JsonNumber;
import jrun.spec.Spec;

/**
 * run_oci's behaviour on top of the lifecycle: its flags as config edits (-b, -p, -u, extra
 * args), its Chrome OS config extensions (process.umask, linux.cpu, coreSched, skipSecurebits,
 * altSyscall, performInIntermediateNamespace), its state layout (RunOciLayout) and the
 * container_root annotation hooks read.
 */
public final class RunOciExtension implements LifecycleExtension {
    public static final String CONTAINER_ROOT = "org.chromium.run_oci.container_root";
    /** Securebit names as run_oci accepts them in linux.skipSecurebits. */
    static final Set<String> SECUREBITS = Set.of("NOROOT", "NOROOT_LOCKED", "NO_SETUID_FIXUP", "NO_SETUID_FIXUP_LOCKED",
            "KEEP_CAPS", "KEEP_CAPS_LOCKED", "NO_CAP_AMBIENT_RAISE", "NO_CAP_AMBIENT_RAISE_LOCKED");

    /** What the command line asked for. hostUid/hostGid are the caller's, for -u. */
    public record Options(List<String> extraArgs, List<String[]> bindMounts, String cgroupParent, boolean useCurrentUser,
            long hostUid, long hostGid, int logFd, boolean sigstopWhenReady) {}

    private final RunOciLayout layout;
    private final Options opts;
    private final Prctl prctl;
    private Map<String, Object> cpu;
    private boolean coreSched;
    private final List<Map<String, Object>> intermediate = new ArrayList<>();

    /** The prctl(2) calls only C can make: core scheduling and the alt-syscall probe (bin/run_oci-prctl). */
    public interface Prctl {
        /** null when it worked, else the reason (an errno name). */
        String coreSchedCreate(long pid);

        boolean altSyscallPresent();
    }

    public RunOciExtension(RunOciLayout layout, Options opts, Prctl prctl) {
        this.layout = layout;
        this.opts = opts;
        this.prctl = prctl;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void editConfig(String id, Map<String, Object> c) {
        layout.tag(id);
        Map<String, Object> process = ConfigTree.optObject(c, "process", "process");
        if (process != null && !opts.extraArgs().isEmpty()) {
            List<Object> args = new ArrayList<>(ConfigTree.array(process.get("args"), "process.args"));
            args.addAll(opts.extraArgs());
            process.put("args", args);
        }
        if (process != null && process.containsKey("umask")) umask(process);
        Map<String, Object> linux = ConfigTree.optObject(c, "linux", "linux");
        if (linux == null) return; // the spec model names it
        List<Object> mounts = c.get("mounts") == null ? new ArrayList<>() : new ArrayList<>(ConfigTree.array(c.get("mounts"), "mounts"));
        for (String[] b : opts.bindMounts()) {
            Path src;
            try {
                src = Path.of(b[0]).toRealPath();
            } catch (IOException e) {
                throw new JrunException("--bind_mount: " + b[0] + " does not exist");
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("destination", b[1]);
            m.put("type", "bind");
            m.put("source", src.toString());
            m.put("options", new ArrayList<Object>(List.of("bind")));
            mounts.add(m);
        }
        for (Iterator<Object> it = mounts.iterator(); it.hasNext();) {
            Map<String, Object> m = ConfigTree.object(it.next(), "mounts[]");
            Object pi = m.remove("performInIntermediateNamespace");
            if (pi != null && !(pi instanceof Boolean)) throw new JrunException("mounts[].performInIntermediateNamespace: expected true or false");
            if (Boolean.TRUE.equals(pi)) {
                intermediate.add(m);
                it.remove();
            }
        }
        c.put("mounts", mounts);
        String cgroupsPath = linux.get("cgroupsPath") instanceof String s ? s : "";
        if (cgroupsPath.isEmpty() && !opts.cgroupParent().isEmpty()) linux.put("cgroupsPath", "/" + opts.cgroupParent() + "/" + id);
        if (opts.useCurrentUser()) currentUser(linux);
        cpu(linux);
        Object cs = linux.remove("coreSched");
        if (cs != null && !(cs instanceof Boolean)) throw new JrunException("linux.coreSched: expected true or false");
        coreSched = Boolean.TRUE.equals(cs);
        Object sb = linux.remove("skipSecurebits");
        if (sb != null) // jrun sets no securebits, so every one named here is already skipped
            for (Object name : ConfigTree.array(sb, "linux.skipSecurebits"))
                if (!(name instanceof String n) || !SECUREBITS.contains(n.replaceFirst("^SECBIT_", "")))
                    throw new JrunException("linux.skipSecurebits: unknown securebit " + name + " (expected one of " + String.join(", ", SECUREBITS.stream().sorted().toList()) + ")");
        Object alt = linux.remove("altSyscall");
        if (alt instanceof String a && !a.isEmpty()) {
            if (!prctl.altSyscallPresent())
                throw new JrunException("linux.altSyscall: \"" + a + "\" needs a Chrome OS kernel with alt-syscall tables; this kernel has none");
            throw new JrunException("linux.altSyscall: this kernel has alt-syscall tables, but jrun cannot apply one yet");
        } else if (alt != null && !(alt instanceof String)) throw new JrunException("linux.altSyscall: expected a table name");
    }

    /** Chrome OS's process.umask (run_oci's place for it) becomes the spec's process.user.umask. */
    @SuppressWarnings("unchecked")
    private static void umask(Map<String, Object> process) {
        Object u = process.remove("umask");
        long v = jrun.spec.Fields.integer(u, "process.umask", 0, 0777);
        Map<String, Object> user = ConfigTree.optObject(process, "user", "process.user");
        if (user == null) return;
        Object existing = user.get("umask");
        if (existing != null && jrun.spec.Fields.integer(existing, "process.user.umask", 0, 0777) != v)
            throw new JrunException("process.umask (" + Long.toOctalString(v) + ") and process.user.umask disagree");
        user.put("umask", JsonNumber.of(v));
    }

    private void currentUser(Map<String, Object> linux) {
        List<Object> ns = linux.get("namespaces") == null ? new ArrayList<>() : new ArrayList<>(ConfigTree.array(linux.get("namespaces"), "linux.namespaces"));
        boolean has = ns.stream().anyMatch(n -> n instanceof Map<?, ?> m && "user".equals(m.get("type")));
        if (!has) ns.add(new LinkedHashMap<String, Object>(Map.of("type", "user")));
        linux.put("namespaces", ns);
        linux.put("uidMappings", List.of(mapping(opts.hostUid())));
        linux.put("gidMappings", List.of(mapping(opts.hostGid()))); // run_oci wrongly used the uid here
    }

    private static Map<String, Object> mapping(long hostId) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("containerID", JsonNumber.of(0));
        m.put("hostID", JsonNumber.of(hostId));
        m.put("size", JsonNumber.of(1));
        return m;
    }

    /** linux.resources.cpu (and run_oci's linux.cpu) are written to the cgroup here; other resources stay with the engine. */
    private void cpu(Map<String, Object> linux) {
        Object legacy = linux.remove("cpu");
        Map<String, Object> res = ConfigTree.optObject(linux, "resources", "linux.resources");
        Object c = res == null ? null : res.remove("cpu");
        if (c == null) c = legacy;
        if (c != null) cpu = ConfigTree.object(c, "linux.resources.cpu");
        if (res != null && res.isEmpty()) linux.remove("resources");
    }

    @Override
    public void editPlan(Spec spec, List<Step> steps) {
        if (opts.logFd() >= 0) // -l: the container's stdout and stderr go to the log file
            for (int i = 0; i < steps.size(); i++) {
                Step s = steps.get(i);
                if (s.op() == Op.GETFD && s.origin().equals("stdio") && s.number(1) >= 1) {
                    long t = s.number(1);
                    steps.set(i, Step.of(Op.GETFD, "--log_dir", (long) opts.logFd(), t));
                }
            }
        if (intermediate.isEmpty()) return;
        int clone = -1;
        for (int i = 0; i < steps.size(); i++) if (steps.get(i).op() == Op.CLONE) clone = i;
        List<Step> add = new ArrayList<>();
        // The helper (not the host) gets a mount namespace of its own; the container's is copied from it.
        add.add(Step.of(Op.UNSHARE, "mounts[].performInIntermediateNamespace", (long) CLONE_NEWNS));
        add.add(Step.of(Op.MOUNT_HOST, "mounts[].performInIntermediateNamespace", "", "/", "", MS_SLAVE | MS_REC, ""));
        Path root = null;
        for (Step s : steps) if (s.op() == Op.SET_ROOT) root = Path.of(s.text(0));
        for (Map<String, Object> m : intermediate) add.addAll(intermediateMount(root, m));
        steps.addAll(clone, add);
    }

    static final long CLONE_NEWNS = 0x00020000L;

    private static List<Step> intermediateMount(Path root, Map<String, Object> m) {
        String dest = String.valueOf(m.get("destination"));
        String where = "mounts[" + dest + "].performInIntermediateNamespace";
        Path target = root.resolve(ConfigTree.normalizeDestination(dest).substring(1));
        for (Path p = root; ; ) { // no symlink may lead the host-side mount out of the rootfs
            if (Files.isSymbolicLink(p)) throw new JrunException(where + ": " + p + " is a symlink");
            if (p.equals(target)) break;
            p = p.resolve(target.getName(p.getNameCount()));
        }
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) throw new JrunException(where + ": " + target + " must exist in the rootfs");
        @SuppressWarnings("unchecked")
        List<String> options = m.get("options") == null ? List.of() : ((List<Object>) m.get("options")).stream().map(String::valueOf).toList();
        MountOptions mo = MountOptions.parse(options, where);
        String type = m.get("type") instanceof String t ? t : "";
        boolean bind = mo.isBind() || type.equals("bind");
        long flags = mo.flags() & ~MS_RDONLY | (bind ? MS_BIND : mo.flags() & MS_RDONLY);
        String source = m.get("source") instanceof String s ? s : "";
        List<Step> out = new ArrayList<>();
        out.add(Step.of(Op.MOUNT_HOST, where, source, target.toString(), bind ? "" : type, flags, bind ? "" : mo.data()));
        if (bind && (mo.flags() & MS_RDONLY) != 0)
            out.add(Step.of(Op.MOUNT_HOST, where, "", target.toString(), "", MS_REMOUNT | MS_BIND | MS_RDONLY, ""));
        return out;
    }

    @Override
    public Map<String, String> stateAnnotations(String id) {
        return Map.of(CONTAINER_ROOT, layout.dir(id).toString());
    }

    @Override
    public void created(Spec spec, ContainerState st) {
        layout.created(st);
        if (cpu != null) CgroupWrite.apply(cpuWrites(st.cgroupDirs()));
        if (coreSched) {
            String err = prctl.coreSchedCreate(st.pid());
            if (err != null)
                throw new JrunException("linux.coreSched: core scheduling is unavailable here (prctl PR_SCHED_CORE: " + err
                        + (err.equals("EINVAL") ? ", this kernel has no CONFIG_SCHED_CORE" : err.equals("ENODEV") ? ", the CPUs have no SMT" : "") + ")");
        }
    }

    private List<CgroupWrite> cpuWrites(List<String> dirs) {
        Map<String, Object> res = Map.of("cpu", cpu);
        for (String d : dirs)
            if (Files.exists(Path.of(d, "cgroup.controllers")) && !Files.exists(Path.of(d).getParent().resolve("cpu.shares")))
                if (dirs.size() == 1) return CgroupWriter.planV2(res, "linux.resources", Path.of(d));
        return CgroupWriter.planV1(res, "linux.resources", controller -> {
            for (String d : dirs) {
                Path p = Path.of(d);
                for (Path mp = p; mp.getParent() != null; mp = mp.getParent())
                    if (mp.getParent().toString().equals("/sys/fs/cgroup") && List.of(mp.getFileName().toString().split(",")).contains(controller)) return p;
            }
            return null;
        });
    }

    @Override
    public void started(ContainerState st) {
        if (opts.sigstopWhenReady()) RunOciLayout.stopSelf();
    }
}
