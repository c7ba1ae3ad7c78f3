package jrun.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import jrun.JrunException;
import jrun.linux.CgroupHierarchy;

/**
 * Rootless mode, as runc defines it (--rootless auto|true|false): jrun run by a user without
 * root on the host, or as root of a user namespace (rootless Podman runs its runtime there).
 * What changes: the default --root ($XDG_RUNTIME_DIR/jrun), cgroups made only where the user may
 * write (a delegated v2 subtree, a v1 path the user owns) and skipped elsewhere while no limit is
 * asked, device rules not enforced (an unprivileged user cannot write them), and a clear error
 * naming the field for a limit that cannot be had. See docs/rootless.md.
 *
 * @param on whether the mode is on
 * @param uid the effective uid on the host side of this process's user namespace, for messages
 */
public record Rootless(boolean on, long uid) {
    public static final Rootless OFF = new Rootless(false, 0);

    /** --rootless's value: "true", "false" or "auto" (on when not root, or root of a user namespace). */
    public static Rootless of(String flag, Map<String, String> env) {
        long euid = effectiveUid();
        return switch (flag) {
            case "true" -> new Rootless(true, euid);
            case "false" -> new Rootless(false, euid);
            case "auto" -> new Rootless(euid != 0 || inUserNamespace(), euid);
            default -> throw JrunException.usage("--rootless: expected true, false or auto, got \"" + flag + "\"");
        };
    }

    /**
     * The default --root: /run/jrun for root on the host; otherwise, as runc,
     * $XDG_RUNTIME_DIR/jrun, else /run/user/UID/jrun when that directory exists; else (a directory
     * under /tmp could be another user's) an error asking for one.
     */
    public static String defaultRoot(Map<String, String> env) {
        long euid = effectiveUid();
        if (euid == 0 && !inUserNamespace()) return "/run/jrun";
        String xdg = env.get("XDG_RUNTIME_DIR");
        if (xdg != null && xdg.startsWith("/")) return xdg + "/jrun";
        if (euid != 0 && Files.isDirectory(Path.of("/run/user/" + euid))) return "/run/user/" + euid + "/jrun";
        if (euid == 0) return "/run/jrun";
        throw new JrunException("--root: no state directory for uid " + euid + ": set XDG_RUNTIME_DIR, or pass --root DIR");
    }

    /** The effective uid of this process (the owner of /proc/self). */
    public static long effectiveUid() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (IOException | RuntimeException e) {
            throw new JrunException("cannot read my own uid from /proc/self: " + e.getMessage());
        }
    }

    /** The effective gid of this process (the group of /proc/self). */
    public static long effectiveGid() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid")).longValue();
        } catch (IOException | RuntimeException e) {
            throw new JrunException("cannot read my own gid from /proc/self: " + e.getMessage());
        }
    }

    /** Whether this process is in a user namespace other than the initial one (its uid_map is not the identity of all ids). */
    public static boolean inUserNamespace() {
        String map = ProcStat.read("/proc/self/uid_map");
        return map != null && !isInitialMap(map);
    }

    static boolean isInitialMap(String uidMap) {
        String[] f = uidMap.strip().split("\\s+");
        return f.length == 3 && f[0].equals("0") && f[1].equals("0") && f[2].equals("4294967295");
    }

    /**
     * The hierarchies a rootless container gets a cgroup in: those where the directory it would
     * be made in (the deepest existing ancestor of its path) is writable by this process. Off: all.
     */
    public List<CgroupHierarchy> usable(List<CgroupHierarchy> hierarchies, Map<String, String> paths) {
        if (!on) return hierarchies;
        List<CgroupHierarchy> out = new java.util.ArrayList<>();
        for (CgroupHierarchy h : hierarchies) {
            String p = paths.get(h.mountpoint());
            if (p != null && writable(Path.of(h.mountpoint() + p))) out.add(h);
        }
        return out;
    }

    /** Whether the nearest existing directory at or above d is writable (an existing d: its cgroup.procs too). */
    static boolean writable(Path d) {
        if (Files.isDirectory(d)) return Files.isWritable(d.resolve("cgroup.procs"));
        for (Path p = d.getParent(); p != null; p = p.getParent())
            if (Files.isDirectory(p)) return Files.isWritable(p);
        return false;
    }

    /**
     * In rootless mode without any cgroup of its own, the first limit linux.resources asks for
     * is an error naming it; device rules are not enforced (nothing a user may write holds them).
     */
    public void checkLimits(Map<String, Object> resources, boolean anyCgroup) {
        if (!on || anyCgroup || resources == null) return;
        String field = firstLimit(resources, "linux.resources");
        if (field != null)
            throw new JrunException(field + ": cannot be applied in rootless mode: no cgroup here is writable by uid " + uid
                    + " (a delegated cgroup v2 subtree is needed; see docs/rootless.md)");
    }

    /** Refuses, in rootless mode, what only root over the host can do: idmapped mounts. */
    public void checkSpec(jrun.spec.Spec spec) {
        if (!on) return;
        for (jrun.spec.Mount m : spec.mounts())
            if (m.idmapped())
                throw new JrunException(m.path() + ".uidMappings: idmapped mounts cannot be made in rootless mode (they need root over the source's filesystem)");
    }

    /** The path of the first member of resources that sets a limit (devices aside), or null. */
    static String firstLimit(Map<String, Object> resources, String path) {
        for (Map.Entry<String, Object> e : resources.entrySet()) {
            if (e.getKey().equals("devices")) continue;
            String p = path + "." + e.getKey();
            Object v = e.getValue();
            if (v instanceof Map<?, ?> m) {
                @SuppressWarnings("unchecked")
                String inner = firstLimit((Map<String, Object>) m, p);
                if (inner != null) return inner;
            } else if (isSet(v)) {
                return p;
            }
        }
        return null;
    }

    private static boolean isSet(Object v) {
        if (v == null || Boolean.FALSE.equals(v)) return false;
        if (v instanceof List<?> l) return !l.isEmpty();
        if (v instanceof String s) return !s.isEmpty();
        if (v instanceof jrun.spec.JsonNumber n) return !n.text().equals("0"); // runc's "not set"
        return true;
    }

    /**
     * The processes of a container, by its cgroups; without any (rootless, nothing writable), those
     * in its init's pid namespace (a namespace of its own: else just the init), for ps and kill --all.
     */
    public static java.util.Set<Long> processes(ContainerState st) {
        if (!st.cgroupDirs().isEmpty()) return CgroupPlacement.pids(st.cgroupDirs());
        java.util.Set<Long> out = new java.util.LinkedHashSet<>();
        if (st.pid() <= 0 || !ProcStat.isAlive(st.pid(), st.startTime())) return out;
        out.add(st.pid());
        String ns = link("/proc/" + st.pid() + "/ns/pid");
        if (ns == null || ns.equals(link("/proc/self/ns/pid"))) return out;
        java.io.File[] procs = new java.io.File("/proc").listFiles();
        if (procs == null) return out;
        for (java.io.File f : procs) {
            String name = f.getName();
            if (name.isEmpty() || !Character.isDigit(name.charAt(0))) continue;
            if (ns.equals(link("/proc/" + name + "/ns/pid"))) out.add(Long.parseLong(name));
        }
        return out;
    }

    private static String link(String path) {
        try {
            return Files.readSymbolicLink(Path.of(path)).toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
