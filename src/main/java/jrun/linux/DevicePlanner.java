package jrun.linux;

import static jrun.linux.MountFlags.MS_BIND;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jrun.JrunException;
import jrun.helper.Op;
import jrun.helper.Step;
import jrun.spec.Device;

/**
 * /dev: the default devices and links every container gets, then linux.devices[]. Nodes are
 * created with mknod, or, inside a new user namespace (where mknod is refused), bind-mounted
 * from the host. Chrome OS dynamicMajor/dynamicMinor numbers come from the host's node.
 */
public final class DevicePlanner {
    private static final Object[][] DEFAULTS = {{"/dev/null", 1L, 3L}, {"/dev/zero", 1L, 5L}, {"/dev/full", 1L, 7L},
            {"/dev/random", 1L, 8L}, {"/dev/urandom", 1L, 9L}, {"/dev/tty", 5L, 0L}};
    private static final String[][] LINKS = {{"/proc/self/fd", "/dev/fd"}, {"/proc/self/fd/0", "/dev/stdin"},
            {"/proc/self/fd/1", "/dev/stdout"}, {"/proc/self/fd/2", "/dev/stderr"}, {"pts/ptmx", "/dev/ptmx"}};
    private static final long S_IFCHR = 0020000, S_IFBLK = 0060000, S_IFIFO = 0010000;

    private final HostFiles host;
    private final Path rootfs;
    private final boolean newUserNs;
    private final boolean freshDev;

    /** freshDev: /dev is a new mount (tmpfs) in this container, so nothing exists there yet. */
    public DevicePlanner(HostFiles host, Path rootfs, boolean newUserNs, boolean freshDev) {
        this.host = host;
        this.rootfs = rootfs;
        this.newUserNs = newUserNs;
        this.freshDev = freshDev;
    }

    public void plan(List<Step> out, List<Device> configured, boolean terminal) {
        Set<String> taken = new HashSet<>();
        for (Device d : configured) taken.add(d.path());
        for (Object[] d : DEFAULTS) {
            String path = (String) d[0];
            if (taken.contains(path) || exists(path)) continue;
            node(out, "linux.devices (default " + path + ")", path, S_IFCHR | 0666, DeviceNumbers.makedev((Long) d[1], (Long) d[2]), 0, 0);
        }
        List<String[]> links = new ArrayList<>(List.of(LINKS));
        if (host.kind(Path.of("/proc/kcore")) != HostFiles.Kind.MISSING) links.add(new String[] {"/proc/kcore", "/dev/core"});
        for (String[] l : links)
            if (!taken.contains(l[1]) && !exists(l[1])) out.add(Step.of(Op.SYMLINK, "linux.devices (default " + l[1] + ")", l[0], l[1]));
        if (terminal && !exists("/dev/console")) out.add(Step.of(Op.MKFILE, "process.terminal", "/dev/console", 0620L));
        for (Device d : configured) configured(out, d);
    }

    private void configured(List<Step> out, Device d) {
        long major = d.major(), minor = d.minor();
        if (d.dynamicMajor() || d.dynamicMinor()) {
            String field = d.where() + (d.dynamicMajor() ? ".dynamicMajor" : ".dynamicMinor");
            HostFiles.Kind k = host.kind(Path.of(d.path()));
            if (k == HostFiles.Kind.MISSING)
                throw new JrunException(field + ": host device " + d.path() + " does not exist, so its number cannot be copied");
            boolean wantBlock = d.type() == 'b';
            if (k != (wantBlock ? HostFiles.Kind.BLOCK_DEVICE : HostFiles.Kind.CHAR_DEVICE))
                throw new JrunException(field + ": host " + d.path() + " is not a " + (wantBlock ? "block" : "character") + " device");
            long rdev = host.rdev(Path.of(d.path()));
            if (d.dynamicMajor()) major = DeviceNumbers.major(rdev);
            if (d.dynamicMinor()) minor = DeviceNumbers.minor(rdev);
        }
        long type = switch (d.type()) {
            case 'b' -> S_IFBLK;
            case 'p' -> S_IFIFO;
            default -> S_IFCHR;
        };
        node(out, d.where(), d.path(), type | d.fileMode(), DeviceNumbers.makedev(major, minor), d.uid(), d.gid());
    }

    private void node(List<Step> out, String where, String path, long mode, long dev, long uid, long gid) {
        String parent = path.substring(0, Math.max(1, path.lastIndexOf('/')));
        if (!parent.equals("/dev")) out.add(Step.of(Op.MKDIRS, where, parent, 0755L));
        if (newUserNs) { // mknod is refused in a user namespace: bind the host's node instead
            if (host.kind(Path.of(path)) == HostFiles.Kind.MISSING)
                throw new JrunException(where + ": " + path + " does not exist on the host, and a user namespace cannot mknod it");
            out.add(Step.of(Op.MKFILE, where, path, 0644L));
            out.add(Step.of(Op.MOUNT, where, path, path, "", MS_BIND, ""));
        } else {
            out.add(Step.of(Op.MKNOD, where, path, mode, dev, uid, gid));
        }
    }

    private boolean exists(String path) {
        return !freshDev && host.kind(rootfs.resolve(path.substring(1))) != HostFiles.Kind.MISSING;
    }
}
