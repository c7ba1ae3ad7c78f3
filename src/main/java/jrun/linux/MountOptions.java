package jrun.linux;

import static jrun.linux.MountFlags.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jrun.JrunException;

/**
 * Interprets a mount's options the way runc does: flags for mount(2), propagation changes
 * applied after the mount, recursive attributes ("rro", "rnosuid", ...) applied with
 * mount_setattr(AT_RECURSIVE), and everything unknown passed to the filesystem as data.
 */
public record MountOptions(long flags, long clearFlags, List<Long> propagation, long recursiveSet,
        long recursiveClear, String data) {

    private record Flag(boolean clear, long bits) {}

    private static final Map<String, Flag> FLAGS = Map.ofEntries(
            Map.entry("async", new Flag(true, MS_SYNCHRONOUS)), Map.entry("atime", new Flag(true, MS_NOATIME)),
            Map.entry("bind", new Flag(false, MS_BIND)), Map.entry("defaults", new Flag(false, 0)),
            Map.entry("dev", new Flag(true, MS_NODEV)), Map.entry("diratime", new Flag(true, MS_NODIRATIME)),
            Map.entry("dirsync", new Flag(false, MS_DIRSYNC)), Map.entry("exec", new Flag(true, MS_NOEXEC)),
            Map.entry("iversion", new Flag(false, MS_I_VERSION)), Map.entry("lazytime", new Flag(false, MS_LAZYTIME)),
            Map.entry("loud", new Flag(true, MS_SILENT)), Map.entry("mand", new Flag(false, MS_MANDLOCK)),
            Map.entry("noatime", new Flag(false, MS_NOATIME)), Map.entry("nodev", new Flag(false, MS_NODEV)),
            Map.entry("nodiratime", new Flag(false, MS_NODIRATIME)), Map.entry("noexec", new Flag(false, MS_NOEXEC)),
            Map.entry("noiversion", new Flag(true, MS_I_VERSION)), Map.entry("nolazytime", new Flag(true, MS_LAZYTIME)),
            Map.entry("nomand", new Flag(true, MS_MANDLOCK)), Map.entry("norelatime", new Flag(true, MS_RELATIME)),
            Map.entry("nostrictatime", new Flag(true, MS_STRICTATIME)), Map.entry("nosuid", new Flag(false, MS_NOSUID)),
            Map.entry("nosymfollow", new Flag(false, MS_NOSYMFOLLOW)), Map.entry("rbind", new Flag(false, MS_BIND | MS_REC)),
            Map.entry("relatime", new Flag(false, MS_RELATIME)), Map.entry("remount", new Flag(false, MS_REMOUNT)),
            Map.entry("ro", new Flag(false, MS_RDONLY)), Map.entry("rw", new Flag(true, MS_RDONLY)),
            Map.entry("silent", new Flag(false, MS_SILENT)), Map.entry("strictatime", new Flag(false, MS_STRICTATIME)),
            Map.entry("suid", new Flag(true, MS_NOSUID)), Map.entry("sync", new Flag(false, MS_SYNCHRONOUS)),
            Map.entry("symfollow", new Flag(true, MS_NOSYMFOLLOW)));

    private static final Map<String, Long> PROPAGATIONS = Map.of("private", MS_PRIVATE, "rprivate", MS_PRIVATE | MS_REC,
            "shared", MS_SHARED, "rshared", MS_SHARED | MS_REC, "slave", MS_SLAVE, "rslave", MS_SLAVE | MS_REC,
            "unbindable", MS_UNBINDABLE, "runbindable", MS_UNBINDABLE | MS_REC);

    /** Recursive attributes: {set, clear} for mount_setattr. */
    private static final Map<String, long[]> RECURSIVE = Map.ofEntries(
            Map.entry("rro", new long[] {ATTR_RDONLY, 0}), Map.entry("rrw", new long[] {0, ATTR_RDONLY}),
            Map.entry("rnosuid", new long[] {ATTR_NOSUID, 0}), Map.entry("rsuid", new long[] {0, ATTR_NOSUID}),
            Map.entry("rnodev", new long[] {ATTR_NODEV, 0}), Map.entry("rdev", new long[] {0, ATTR_NODEV}),
            Map.entry("rnoexec", new long[] {ATTR_NOEXEC, 0}), Map.entry("rexec", new long[] {0, ATTR_NOEXEC}),
            Map.entry("rnodiratime", new long[] {ATTR_NODIRATIME, 0}), Map.entry("rdiratime", new long[] {0, ATTR_NODIRATIME}),
            // The kernel changes atime only as a whole (clear all of _ATIME, set one mode).
            Map.entry("rrelatime", new long[] {ATTR_RELATIME, ATTR__ATIME}), Map.entry("rnorelatime", new long[] {ATTR_STRICTATIME, ATTR__ATIME}),
            Map.entry("rnoatime", new long[] {ATTR_NOATIME, ATTR__ATIME}), Map.entry("ratime", new long[] {ATTR_RELATIME, ATTR__ATIME}),
            Map.entry("rstrictatime", new long[] {ATTR_STRICTATIME, ATTR__ATIME}), Map.entry("rnostrictatime", new long[] {ATTR_RELATIME, ATTR__ATIME}),
            Map.entry("rnosymfollow", new long[] {ATTR_NOSYMFOLLOW, 0}), Map.entry("rsymfollow", new long[] {0, ATTR_NOSYMFOLLOW}));

    public static MountOptions parse(List<String> options, String path) {
        long flags = 0, clear = 0, rset = 0, rclr = 0;
        List<Long> prop = new ArrayList<>();
        List<String> data = new ArrayList<>();
        for (String o : options) {
            Flag f = FLAGS.get(o);
            if (f != null) {
                if (f.clear) {
                    flags &= ~f.bits;
                    clear |= f.bits;
                } else {
                    flags |= f.bits;
                    clear &= ~f.bits;
                }
            } else if (PROPAGATIONS.containsKey(o)) {
                prop.add(PROPAGATIONS.get(o));
            } else if (RECURSIVE.containsKey(o)) {
                long[] r = RECURSIVE.get(o);
                if ((r[0] & ATTR__ATIME) != 0 || (r[1] & ATTR__ATIME) != 0) rclr |= ATTR__ATIME;
                rset = (rset & ~r[1]) | r[0];
                rclr = (rclr & ~r[0]) | r[1];
            } else if (o.equals("tmpcopyup") || o.equals("idmap") || o.equals("ridmap")) {
                throw new JrunException(path + ": option \"" + o + "\" is not supported by jrun yet");
            } else {
                data.add(o);
            }
        }
        return new MountOptions(flags, clear, List.copyOf(prop), rset, rclr, String.join(",", data));
    }

    public boolean isBind() {
        return (flags & MS_BIND) != 0;
    }

    /** For a bind mount, the per-mount attributes that need a second step (the bind ignores them). */
    public long[] bindAttributes() {
        long set = 0, clr = 0;
        if ((flags & MS_RDONLY) != 0) set |= ATTR_RDONLY;
        if ((flags & MS_NOSUID) != 0) set |= ATTR_NOSUID;
        if ((flags & MS_NODEV) != 0) set |= ATTR_NODEV;
        if ((flags & MS_NOEXEC) != 0) set |= ATTR_NOEXEC;
        if ((flags & MS_NODIRATIME) != 0) set |= ATTR_NODIRATIME;
        if ((flags & MS_NOSYMFOLLOW) != 0) set |= ATTR_NOSYMFOLLOW;
        if ((flags & MS_NOATIME) != 0) {
            set |= ATTR_NOATIME;
            clr |= ATTR__ATIME;
        } else if ((flags & MS_STRICTATIME) != 0) {
            set |= ATTR_STRICTATIME;
            clr |= ATTR__ATIME;
        }
        return new long[] {set, clr};
    }
}
