package jrun.linux.cgroups;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jrun.JrunException;
import jrun.linux.CgroupHierarchy;
import jrun.linux.ProcFiles;
import jrun.spec.ConfigTree;

/**
 * Where the cgroup hierarchies are and where the caller sits in them, from /proc/self/mountinfo
 * and /proc/self/cgroup. {@link Mode#HYBRID} is v1 controllers plus a cgroup2 mount without
 * them (this host: /sys/fs/cgroup/unified); resources then go to v1, as runc does.
 *
 * @param v1 controller name ("memory", "cpu", "name=systemd") to its mount
 * @param unified the cgroup2 mount, or null
 * @param own controller name (or "" for cgroup2) to the caller's cgroup path
 */
public record CgroupLayout(Mode mode, Map<String, Mount> v1, Mount unified, Map<String, String> own) {

    public enum Mode { V1, V2, HYBRID }

    /** A cgroup mount: its mount point and the cgroup path its root shows (not "/" when nested). */
    public record Mount(Path mountPoint, String root) {}

    public static CgroupLayout detect() {
        try {
            return parse(ProcFiles.read(Path.of("/proc/self/mountinfo")), ProcFiles.read(Path.of("/proc/self/cgroup")));
        } catch (IOException e) {
            throw new JrunException("cannot read the cgroup layout from /proc/self: " + e.getMessage(), e);
        }
    }

    /** Built from {@link CgroupHierarchy#parse}, the one parser of mountinfo and /proc/self/cgroup. */
    public static CgroupLayout parse(String mountinfo, String procSelfCgroup) {
        Map<String, String> own = CgroupHierarchy.ownPaths(procSelfCgroup);
        return of(CgroupHierarchy.parse(mountinfo, own), own);
    }

    /** From hierarchies already parsed, with own = {@link CgroupHierarchy#ownPaths} of the same /proc/self/cgroup. */
    public static CgroupLayout of(List<CgroupHierarchy> hierarchies, Map<String, String> own) {
        Map<String, Mount> v1 = new LinkedHashMap<>();
        Mount unified = null;
        boolean anyV1 = false;
        for (CgroupHierarchy h : hierarchies) {
            Mount m = new Mount(Path.of(h.mountpoint()), h.root());
            if (h.v2()) {
                unified = m; // parse keeps the first mount of a hierarchy
                continue;
            }
            for (String c : h.controllers().split(",")) {
                if (c.isEmpty()) continue;
                v1.putIfAbsent(c, m);
                anyV1 |= !c.startsWith("name=");
            }
        }
        Mode mode = !anyV1 ? Mode.V2 : unified != null ? Mode.HYBRID : Mode.V1;
        if (mode == Mode.V2 && unified == null) throw new JrunException("no cgroup filesystem mounted (see /proc/self/mountinfo)");
        return new CgroupLayout(mode, Map.copyOf(v1), unified, Map.copyOf(own));
    }

    /** True when resources are written to v1 controller directories. */
    public boolean usesV1() {
        return mode != Mode.V2;
    }

    /**
     * The container's cgroup path (as in /proc/PID/cgroup) for controller ("" = cgroup2), as runc
     * resolves {@code linux.cgroupsPath}: absolute is used as is; relative, or none (then the
     * container id), nests under the caller's own cgroup. A systemd "slice:prefix:name" path is
     * refused when systemd is not running.
     */
    public String cgroupPath(String cgroupsPath, String containerId, String controller, boolean systemdDriver,
            boolean systemdRunning) {
        if (systemdDriver) {
            if (!systemdRunning) {
                throw new JrunException("linux.cgroupsPath: \"" + cgroupsPath + "\" asks for the systemd cgroup driver, "
                        + "but systemd is not running here (no /run/systemd/system); use a cgroupfs path such as /jrun/" + containerId);
            }
            throw new JrunException("linux.cgroupsPath: the systemd cgroup driver is not supported yet");
        }
        String p = cgroupsPath == null || cgroupsPath.isEmpty() ? containerId : cgroupsPath;
        if (p.startsWith("/")) return ConfigTree.normalizeDestination(p);
        String base = own.getOrDefault(controller, "/");
        return ConfigTree.normalizeDestination(base + "/" + p);
    }

    /** The directory of cgroup path on controller's hierarchy ("" = cgroup2), or null when not mounted. */
    public Path directory(String controller, String cgroupPath) {
        Mount m = controller.isEmpty() ? unified : v1.get(controller);
        if (m == null) return null;
        String rel = cgroupPath;
        if (!m.root().equals("/") && (rel.equals(m.root()) || rel.startsWith(m.root() + "/"))) {
            rel = rel.substring(m.root().length()); // a nested view: the mount shows m.root() as "/"
        }
        int slash = 0;
        while (slash < rel.length() && rel.charAt(slash) == '/') slash++;
        rel = rel.substring(slash);
        return rel.isEmpty() ? m.mountPoint() : m.mountPoint().resolve(rel);
    }

    /** Whether systemd manages this host (its runtime directory exists). */
    public static boolean systemdRunning() {
        return Files.isDirectory(Path.of("/run/systemd/system"));
    }
}
