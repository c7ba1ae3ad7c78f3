package jrun.linux;

import static jrun.linux.MountFlags.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import jrun.JrunException;
import jrun.helper.Op;
import jrun.helper.Step;
import jrun.spec.ConfigTree;
import jrun.spec.Mount;

/**
 * Turns mounts[] into helper steps, in order. Every destination is created and resolved by the
 * helper inside the rootfs (openat2 RESOLVE_IN_ROOT), so a symlink in the rootfs cannot send a
 * mount outside it; sources are host paths (relative ones are relative to the bundle).
 */
public final class MountPlanner {
    private final HostFiles host;
    private final Path bundle;
    private final List<CgroupHierarchy> hierarchies;
    /** hierarchy mount point -> the container's cgroup path in that hierarchy. */
    private final Map<String, String> containerCgroups;
    private final boolean newCgroupNs;
    /** linux.mountLabel, or null: the SELinux context of the filesystems mounted (not bound) here. */
    private String mountLabel;

    /**
     * newCgroupNs: mount the cgroup filesystems themselves (their root is then the container's
     * cgroup); false binds the container's cgroup directories instead, as a user namespace must
     * (it may not mount cgroup v1).
     */
    public MountPlanner(HostFiles host, Path bundle, List<CgroupHierarchy> hierarchies, Map<String, String> containerCgroups,
            boolean newCgroupNs) {
        this.host = host;
        this.bundle = bundle;
        this.hierarchies = hierarchies;
        this.containerCgroups = containerCgroups;
        this.newCgroupNs = newCgroupNs;
    }

    /** Labels the filesystems these mounts make with context= (only on a host with SELinux enabled). */
    public MountPlanner withMountLabel(String label) {
        this.mountLabel = label;
        return this;
    }

    public void plan(List<Step> out, Mount m) {
        String where = m.path();
        String dest = ConfigTree.normalizeDestination(m.destination());
        MountOptions o = MountOptions.parse(m.options(), where + ".options");
        if (m.idmapped() && !m.type().equals("bind") && !o.isBind())
            throw new JrunException(where + ".uidMappings: jrun idmaps bind mounts only (type \"bind\" or option \"bind\"/\"rbind\")");
        if (m.type().equals("bind") || o.isBind()) {
            bind(out, m, dest, o, where);
        } else if (m.type().equals("cgroup")) {
            cgroup(out, dest, o, where);
        } else {
            if (m.type().isEmpty()) throw new JrunException(where + ".type: required for a mount that is not a bind mount");
            out.add(Step.of(Op.MKDIRS, where, dest, 0755L));
            out.add(Step.of(Op.MOUNT, where, m.source(), dest, m.type(), o.flags(), labelled(m.type(), o.data())));
        }
        for (long p : o.propagation()) out.add(Step.of(Op.MOUNT, where, "", dest, "", p, ""));
        if (o.recursiveSet() != 0 || o.recursiveClear() != 0)
            out.add(Step.of(Op.SETATTR, where, dest, o.recursiveSet(), o.recursiveClear(), 1L));
    }

    /**
     * As runc: a filesystem mounted with the container's label, but for proc, sysfs and mqueue
     * (which take no context= option); binds keep their source's labels.
     */
    private String labelled(String type, String data) {
        if (mountLabel == null || type.equals("proc") || type.equals("sysfs") || type.equals("mqueue")) return data;
        String context = "context=\"" + mountLabel + "\"";
        return data.isEmpty() ? context : data + "," + context;
    }

    private void bind(List<Step> out, Mount m, String dest, MountOptions o, String where) {
        if (m.source().isEmpty()) throw new JrunException(where + ".source: required for a bind mount");
        Path src = bundle.resolve(m.source()).normalize();
        switch (host.kind(src)) {
            case MISSING -> throw new JrunException(where + ".source: " + src + " does not exist");
            case DIRECTORY -> out.add(Step.of(Op.MKDIRS, where, dest, 0755L));
            default -> out.add(Step.of(Op.MKFILE, where, dest, 0644L));
        }
        long flags = MS_BIND | (o.flags() & MS_REC);
        // idmapped: the helper made an idmapped copy of src before the clone (idmapTree); it goes here
        if (m.idmapped()) out.add(Step.of(Op.MOVE_TREE, where, dest));
        else out.add(Step.of(Op.MOUNT, where, src.toString(), dest, "", flags, ""));
        long[] attrs = o.bindAttributes();
        if (attrs[0] != 0 || attrs[1] != 0) out.add(Step.of(Op.SETATTR, where, dest, attrs[0], attrs[1], 0L));
    }

    /**
     * The runtime side of an idmapped bind (mounts[].uidMappings/gidMappings, runtime-spec 1.2):
     * before the clone, as root over the source's filesystem, the helper makes a user namespace
     * with these maps, a detached copy of the source (rbind: with its submounts) and idmaps it
     * (ridmap: every mount of the copy); MOVE_TREE attaches it in the container, in mounts[] order.
     */
    public void idmapTree(List<Step> out, Mount m) {
        String where = m.path();
        MountOptions o = MountOptions.parse(m.options(), where + ".options");
        if (!m.type().equals("bind") && !o.isBind())
            throw new JrunException(where + ".uidMappings: jrun idmaps bind mounts only (type \"bind\" or option \"bind\"/\"rbind\")");
        if (m.source().isEmpty()) throw new JrunException(where + ".source: required for a bind mount");
        Path src = bundle.resolve(m.source()).normalize();
        if (host.kind(src) == HostFiles.Kind.MISSING) throw new JrunException(where + ".source: " + src + " does not exist");
        long how = ((o.flags() & MS_REC) != 0 ? 1L : 0L) | (m.options().contains("ridmap") ? 2L : 0L);
        out.add(Step.of(Op.IDMAP_TREE, where + ".uidMappings", src.toString(), lines(m.uidMappings()), lines(m.gidMappings()), how, 0L));
    }

    private static String lines(List<jrun.spec.IdMapping> maps) {
        StringBuilder sb = new StringBuilder();
        for (jrun.spec.IdMapping im : maps) sb.append(im.line());
        return sb.toString();
    }

    /**
     * A cgroup mount. Pure v2: cgroup2 itself (or, without a cgroup namespace, a bind of the
     * container's cgroup). v1/hybrid: a tmpfs with one directory per host hierarchy, each the
     * cgroup filesystem (with a cgroup namespace) or a bind of the container's cgroup.
     */
    private void cgroup(List<Step> out, String dest, MountOptions o, String where) {
        long flags = o.flags() & ~MS_BIND;
        boolean pureV2 = hierarchies.size() == 1 && hierarchies.get(0).v2();
        if (hierarchies.isEmpty()) throw new JrunException(where + ": the host has no cgroup hierarchy mounted");
        if (pureV2) {
            hierarchy(out, hierarchies.get(0), dest, flags, where);
            return;
        }
        out.add(Step.of(Op.MKDIRS, where, dest, 0755L));
        out.add(Step.of(Op.MOUNT, where, "tmpfs", dest, "tmpfs", flags & ~MS_RDONLY, "mode=755"));
        for (CgroupHierarchy h : hierarchies) {
            String sub = dest.equals("/") ? "/" + h.dirName() : dest + "/" + h.dirName();
            hierarchy(out, h, sub, flags, where);
        }
        if ((flags & MS_RDONLY) != 0) out.add(Step.of(Op.SETATTR, where, dest, ATTR_RDONLY, 0L, 0L));
    }

    private void hierarchy(List<Step> out, CgroupHierarchy h, String dest, long flags, String where) {
        out.add(Step.of(Op.MKDIRS, where, dest, 0755L));
        if (newCgroupNs) {
            String source = h.controllers().startsWith("name=") ? h.controllers().substring(5) : "cgroup";
            out.add(Step.of(Op.MOUNT, where, source, dest, h.v2() ? "cgroup2" : "cgroup", flags, h.controllers()));
            return;
        }
        String path = containerCgroups.getOrDefault(h.mountpoint(), "/");
        out.add(Step.of(Op.MOUNT, where, h.mountpoint() + path, dest, "", MS_BIND, ""));
        long[] attrs = MountOptions.parse(List.of(), where).bindAttributes();
        if ((flags & MS_RDONLY) != 0) attrs[0] |= ATTR_RDONLY;
        attrs[0] |= ATTR_NOSUID | ATTR_NODEV | ATTR_NOEXEC;
        out.add(Step.of(Op.SETATTR, where, dest, attrs[0], attrs[1], 0L));
    }
}
