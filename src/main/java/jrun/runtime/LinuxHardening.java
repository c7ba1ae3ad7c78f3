package jrun.runtime;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import jrun.JrunException;
import jrun.helper.Op;
import jrun.helper.Step;
import jrun.linux.Capabilities;
import jrun.linux.Sysctls;
import jrun.linux.cgroups.CgroupLayout;
import jrun.linux.cgroups.CgroupWrite;
import jrun.linux.cgroups.CgroupWriter;
import jrun.linux.cgroups.DeviceFilter;
import jrun.linux.cgroups.DeviceRule;
import jrun.helper.HelperProcess;
import jrun.linux.seccomp.SeccompCompiler;
import jrun.linux.seccomp.SeccompProgram;
import jrun.spec.Namespace;
import jrun.spec.ProcessSpec;
import jrun.spec.Spec;

/**
 * jrun.linux plugged into the lifecycle, in runc 1.1's order (libcontainer standard_init and
 * finalizeNamespace):
 * <ol>
 * <li>before the user switch: the bounding set is dropped and caps are kept across setuid; without
 *     noNewPrivileges the seccomp filter is loaded here, while the init still has CAP_SYS_ADMIN;</li>
 * <li>after the user switch: capset of effective, permitted, inheritable, then the ambient set;</li>
 * <li>with noNewPrivileges: the filter is loaded last, right before exec.</li>
 * </ol>
 * Cgroup resources go through {@link CgroupWriter} into the directories the lifecycle made.
 * Warnings (unknown capabilities or syscalls, ignored as runc does) go to stderr.
 */
public final class LinuxHardening implements Hardening {
    private int lastCap; // -1: read from the kernel on first use (lastCap())
    private CgroupLayout layout; // detected once, on first use
    private final java.util.function.Consumer<String> warn;
    private SeccompCache cache;
    private final Map<Spec, SeccompProgram> programs = new java.util.IdentityHashMap<>();
    private final Map<ProcessSpec, Capabilities.Masks> masks = new java.util.IdentityHashMap<>();

    public LinuxHardening(int lastCap, CgroupLayout layout) {
        this(lastCap, layout, w -> jrun.Invocation.current().err().println("jrun: warning: " + w));
    }

    /** lastCap: the kernel's last capability, or -1 to read it when first needed; warn: where warnings go (runc logs them, never to the container's stderr). */
    public LinuxHardening(int lastCap, CgroupLayout layout, java.util.function.Consumer<String> warn) {
        this.lastCap = lastCap;
        this.layout = layout;
        this.warn = warn;
    }

    public static LinuxHardening forHost(java.util.function.Consumer<String> warn) {
        return new LinuxHardening(-1, null, warn);
    }

    /** The kernel's last capability: read when first needed, not when a command starts. */
    private int lastCap() {
        if (lastCap < 0) lastCap = Capabilities.kernelLastCap();
        return lastCap;
    }

    /** Keeps compiled seccomp filters in dir (root-only; see SeccompCache). */
    public LinuxHardening withSeccompCache(Path dir) {
        this.cache = new SeccompCache(dir);
        return this;
    }

    @Override
    public void knowLayout(CgroupLayout l) {
        if (layout == null) layout = l;
    }

    private CgroupLayout layout() {
        if (layout == null) layout = CgroupLayout.detect();
        return layout;
    }

    /**
     * The process's capability masks (absent: none, as runc). An ambient capability not also in
     * permitted and inheritable is left out with a warning: runc 1.1 only warns when raising it fails.
     */
    public Capabilities.Masks masks(ProcessSpec p, String path) {
        Capabilities.Masks known = masks.get(p);
        if (known != null) return known;
        Map<String, Object> caps = p.capabilities();
        Object amb = caps == null ? null : caps.get("ambient");
        Map<String, Object> rest = caps == null ? null : new LinkedHashMap<>(caps);
        if (rest != null) rest.remove("ambient");
        Capabilities.Masks m = Capabilities.parse(rest, path, lastCap(), Capabilities.Unknown.WARN);
        List<String> warnings = new java.util.ArrayList<>(m.warnings());
        long ambient = 0;
        if (amb != null) {
            Map<String, Object> only = new LinkedHashMap<>();
            for (String set : List.of("bounding", "permitted", "inheritable", "ambient")) only.put(set, amb);
            Capabilities.Masks a = Capabilities.parse(only, path, lastCap(), Capabilities.Unknown.WARN);
            for (String w : a.warnings()) if (w.startsWith(path + ".ambient")) warnings.add(w);
            ambient = a.ambient() & m.permitted() & m.inheritable();
            long dropped = a.ambient() & ~ambient;
            if (dropped != 0)
                warnings.add(path + ".ambient: " + Capabilities.namesOf(dropped) + " not raised: not in permitted and inheritable (runc only warns too)");
        }
        warnings.forEach(warn);
        known = new Capabilities.Masks(m.bounding(), m.effective(), m.permitted(), m.inheritable(), ambient, List.copyOf(warnings));
        masks.put(p, known);
        return known;
    }

    /** The compiled linux.seccomp, or null; SCMP_ACT_NOTIFY is refused (no listener support). */
    public SeccompProgram seccomp(Spec spec) {
        Map<String, Object> sec = spec.linux().seccomp();
        if (sec == null) return null;
        return programs.computeIfAbsent(spec, s -> {
            java.util.function.Supplier<SeccompProgram> compile = () -> {
                SeccompProgram prog = SeccompCompiler.compile(sec, "linux.seccomp");
                if (prog.needsListener() && (prog.listenerPath() == null || prog.listenerPath().isEmpty()))
                    throw new JrunException("linux.seccomp.listenerPath: required when a rule's action is SCMP_ACT_NOTIFY");
                prog.warnings().forEach(warn);
                return prog;
            };
            return cache == null ? compile.get() : cache.get(sec, compile);
        });
    }

    /** The listener's socket, connected before the pivot; the payload head is ContainerProcessState without pid and state. */
    @Override
    public void beforePivot(Spec spec, List<Step> steps) {
        SeccompProgram prog = seccomp(spec);
        if (prog == null || !prog.needsListener()) return;
        Map<String, Object> head = new LinkedHashMap<>();
        head.put("ociVersion", jrun.Version.SPEC);
        head.put("fds", new java.util.ArrayList<Object>(List.of("seccompFd")));
        head.put("metadata", prog.listenerMetadata() == null ? "" : prog.listenerMetadata());
        String json = jrun.spec.Json.write(head, jrun.spec.Json.Style.COMPACT);
        steps.add(Step.of(Op.SECCOMP_LISTENER, "linux.seccomp.listenerPath", prog.listenerPath(), json.substring(0, json.length() - 1)));
    }

    @Override
    public void beforeIdentity(Spec spec, List<Step> steps) {
        checkSysctls(spec);
        Capabilities.Masks m = masks(spec.process(), "process.capabilities");
        steps.add(Step.of(Op.CAP_BOUNDING, "process.capabilities.bounding", m.boundingDrops(lastCap())));
        SeccompProgram prog = seccomp(spec);
        // Without no_new_privs, seccomp(2) needs CAP_SYS_ADMIN: load it before the user switch drops it.
        if (prog != null && !spec.process().noNewPrivileges()) steps.add(seccompStep(prog));
    }

    @Override
    public void beforeStart(Spec spec, List<Step> steps) {
        Capabilities.Masks m = masks(spec.process(), "process.capabilities");
        steps.add(Step.of(Op.CAPS, "process.capabilities", m.effective(), m.permitted(), m.inheritable(), m.ambient()));
    }

    @Override
    public void beforeExec(Spec spec, List<Step> steps) {
        SeccompProgram prog = seccomp(spec);
        if (prog != null && spec.process().noNewPrivileges()) steps.add(seccompStep(prog));
    }

    static Step seccompStep(SeccompProgram prog) {
        return Step.of(Op.SECCOMP, "linux.seccomp", prog.flags(), prog.filter());
    }

    /** runc's validator: only namespaced sysctls, in a namespace of the container's own. */
    private static void checkSysctls(Spec spec) {
        if (spec.linux().sysctl().isEmpty()) return;
        Map<String, String> ns = new LinkedHashMap<>();
        for (Namespace n : spec.linux().namespaces()) ns.put(n.type().specName, n.isNew() ? "" : n.path());
        Sysctls.plan(new LinkedHashMap<String, Object>(spec.linux().sysctl()), "linux.sysctl", ns, Sysctls::isOwnNetns);
    }

    /**
     * As runc: even without linux.resources the device list (runc's defaults) is applied, on v1 as
     * devices.deny/allow files, on v2 as an eBPF program the helper loads and attaches.
     */
    @Override
    public List<Step> limits(Spec spec, List<String> cgroupDirs) {
        Map<String, Object> res = spec.linux().resources() == null ? Map.of() : spec.linux().resources();
        CgroupLayout l = layout();
        List<CgroupWrite> writes = new java.util.ArrayList<>();
        Path dir = l.usesV1() ? null : dirOf(cgroupDirs).apply("");
        if (!l.usesV1()) { // the controllers a limit needs must be enabled down to the container's parent
            if (dir == null) throw new JrunException("linux.resources: the container has no cgroup v2 directory");
            boolean beyondDevices = false;
            for (String k : res.keySet()) beyondDevices |= !k.equals("devices");
            if (beyondDevices) writes.addAll(CgroupWriter.v2EnableControllers(l.unified().mountPoint(), dir));
        }
        writes.addAll(plan(res, cgroupDirs, false));
        List<Step> steps = new java.util.ArrayList<>();
        for (CgroupWrite w : writes)
            steps.add(Step.of(Op.WRITE_FILE, "linux.resources", w.file().toString(), w.value().getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        if (!l.usesV1()) {
            List<Object> devs = res.get("devices") instanceof List<?> dl ? new java.util.ArrayList<>(dl) : null;
            byte[] prog = DeviceFilter.compile(DeviceRule.effective(devs, "linux.resources.devices"));
            steps.add(Step.of(Op.DEVICE_PROG, "linux.resources.devices", dir.toString(), prog));
        }
        return steps;
    }

    @Override
    public List<Step> rootlessLimits(Spec spec, List<String> cgroupDirs) {
        Map<String, Object> res = spec.linux().resources() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(spec.linux().resources());
        res.remove("devices");
        List<Step> steps = new java.util.ArrayList<>();
        for (CgroupWrite w : plan(res, cgroupDirs, true))
            steps.add(Step.of(Op.WRITE_FILE, "linux.resources", w.file().toString(), w.value().getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        return steps;
    }

    /** The writes for resources into the container's cgroup directories (update: devices left alone). */
    public List<CgroupWrite> plan(Map<String, Object> res, List<String> cgroupDirs, boolean update) {
        refuseUnknown(res);
        CgroupLayout l = layout();
        if (l.usesV1()) {
            Function<String, Path> dirOf = dirOf(cgroupDirs);
            return update ? CgroupWriter.planV1Update(res, "linux.resources", dirOf) : CgroupWriter.planV1(res, "linux.resources", dirOf);
        }
        String top = l.unified().mountPoint().toString() + "/";
        for (String d : cgroupDirs)
            if (d.startsWith(top)) return CgroupWriter.planV2(res, "linux.resources", Path.of(d));
        throw new JrunException("linux.resources: the container has no cgroup v2 directory");
    }

    /** The members of linux.resources CgroupWriter applies; "" is the object itself. */
    private static final Map<String, java.util.Set<String>> KNOWN = Map.of(
            "", java.util.Set.of("devices", "memory", "cpu", "pids", "blockIO", "hugepageLimits", "network", "unified"),
            "memory", java.util.Set.of("limit", "reservation", "swap", "kernel", "kernelTCP", "swappiness", "disableOOMKiller"),
            "cpu", java.util.Set.of("shares", "quota", "burst", "period", "realtimeRuntime", "realtimePeriod", "cpus", "mems", "idle"),
            "pids", java.util.Set.of("limit"),
            "blockIO", java.util.Set.of("weight", "leafWeight", "weightDevice", "throttleReadBpsDevice", "throttleWriteBpsDevice",
                    "throttleReadIOPSDevice", "throttleWriteIOPSDevice"),
            "network", java.util.Set.of("classID", "priorities"));

    /** A member jrun would not apply (rdma, memory.checkBeforeUpdate ...) is an error naming it, unless unset, false or empty. */
    static void refuseUnknown(Map<String, Object> res) {
        for (Map.Entry<String, Object> e : res.entrySet()) {
            String k = e.getKey();
            if (!KNOWN.get("").contains(k)) {
                if (isSet(e.getValue())) throw new JrunException("linux.resources." + k + ": not supported by jrun");
            } else if (KNOWN.containsKey(k) && e.getValue() instanceof Map<?, ?> m) {
                for (Map.Entry<?, ?> f : m.entrySet())
                    if (!KNOWN.get(k).contains(f.getKey().toString()) && isSet(f.getValue()))
                        throw new JrunException("linux.resources." + k + "." + f.getKey() + ": not supported by jrun");
            }
        }
    }

    private static boolean isSet(Object v) {
        return v != null && !Boolean.FALSE.equals(v) && !(v instanceof Map<?, ?> m && m.isEmpty()) && !(v instanceof List<?> l && l.isEmpty());
    }

    /** The directories of a container by controller, for stats and the freezer. */
    public Function<String, Path> dirOf(List<String> cgroupDirs) {
        CgroupLayout l = layout();
        return controller -> { // "" is the cgroup2 directory
            CgroupLayout.Mount m = controller.isEmpty() ? l.unified() : l.v1().get(controller);
            if (m == null) return null;
            String top = m.mountPoint().toString() + "/";
            for (String d : cgroupDirs) if (d.startsWith(top)) return Path.of(d);
            return null;
        };
    }
}
