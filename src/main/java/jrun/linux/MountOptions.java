package jrun.linux;

import static jrun.linux.MountFlags.*;

import java.util.ArrayList;
import java.util.List;

import jrun.JrunException;

/**
 * Interprets a mount's options the way runc does: flags for mount(2), propagation changes
 * applied after the mount, recursive attributes ("rro", "rnosuid", ...) applied with
 * mount_setattr(AT_RECURSIVE), and everything unknown passed to the filesystem as data.
 */
public record MountOptions(long flags, long clearFlags, List<Long> propagation, long recursiveSet,
        long recursiveClear, String data) {

    /** flag(): set when the option clears its bits; KNOWN marks an option with no bits ("defaults"). */
    private static final long CLEARS = 1L << 63, KNOWN = 1L << 62;

    /**
     * A mount(2) flag option: its bits, with CLEARS when it clears them; 0 when o is none. Switches
     * here, not Maps: a Map of these is built at every command's start (~0.3 ms interpreted).
     */
    private static long flag(String o) {
        return switch (o) {
            case "async" -> CLEARS | MS_SYNCHRONOUS;
            case "atime" -> CLEARS | MS_NOATIME;
            case "bind" -> MS_BIND;
            case "defaults" -> KNOWN;
            case "dev" -> CLEARS | MS_NODEV;
            case "diratime" -> CLEARS | MS_NODIRATIME;
            case "dirsync" -> MS_DIRSYNC;
            case "exec" -> CLEARS | MS_NOEXEC;
            case "iversion" -> MS_I_VERSION;
            case "lazytime" -> MS_LAZYTIME;
            case "loud" -> CLEARS | MS_SILENT;
            case "mand" -> MS_MANDLOCK;
            case "noatime" -> MS_NOATIME;
            case "nodev" -> MS_NODEV;
            case "nodiratime" -> MS_NODIRATIME;
            case "noexec" -> MS_NOEXEC;
            case "noiversion" -> CLEARS | MS_I_VERSION;
            case "nolazytime" -> CLEARS | MS_LAZYTIME;
            case "nomand" -> CLEARS | MS_MANDLOCK;
            case "norelatime" -> CLEARS | MS_RELATIME;
            case "nostrictatime" -> CLEARS | MS_STRICTATIME;
            case "nosuid" -> MS_NOSUID;
            case "nosymfollow" -> MS_NOSYMFOLLOW;
            case "rbind" -> MS_BIND | MS_REC;
            case "relatime" -> MS_RELATIME;
            case "remount" -> MS_REMOUNT;
            case "ro" -> MS_RDONLY;
            case "rw" -> CLEARS | MS_RDONLY;
            case "silent" -> MS_SILENT;
            case "strictatime" -> MS_STRICTATIME;
            case "suid" -> CLEARS | MS_NOSUID;
            case "sync" -> MS_SYNCHRONOUS;
            case "symfollow" -> CLEARS | MS_NOSYMFOLLOW;
            default -> 0;
        };
    }

    /** A propagation option's flags for a second mount(2), or 0 when o is none. */
    private static long propagation(String o) {
        return switch (o) {
            case "private" -> MS_PRIVATE;
            case "rprivate" -> MS_PRIVATE | MS_REC;
            case "shared" -> MS_SHARED;
            case "rshared" -> MS_SHARED | MS_REC;
            case "slave" -> MS_SLAVE;
            case "rslave" -> MS_SLAVE | MS_REC;
            case "unbindable" -> MS_UNBINDABLE;
            case "runbindable" -> MS_UNBINDABLE | MS_REC;
            default -> 0;
        };
    }

    /** A recursive attribute: {set, clear} for mount_setattr, or null when o is none. */
    private static long[] recursive(String o) {
        return switch (o) {
            case "rro" -> new long[] {ATTR_RDONLY, 0};
            case "rrw" -> new long[] {0, ATTR_RDONLY};
            case "rnosuid" -> new long[] {ATTR_NOSUID, 0};
            case "rsuid" -> new long[] {0, ATTR_NOSUID};
            case "rnodev" -> new long[] {ATTR_NODEV, 0};
            case "rdev" -> new long[] {0, ATTR_NODEV};
            case "rnoexec" -> new long[] {ATTR_NOEXEC, 0};
            case "rexec" -> new long[] {0, ATTR_NOEXEC};
            case "rnodiratime" -> new long[] {ATTR_NODIRATIME, 0};
            case "rdiratime" -> new long[] {0, ATTR_NODIRATIME};
            // The kernel changes atime only as a whole (clear all of _ATIME, set one mode).
            case "rrelatime" -> new long[] {ATTR_RELATIME, ATTR__ATIME};
            case "rnorelatime" -> new long[] {ATTR_STRICTATIME, ATTR__ATIME};
            case "rnoatime" -> new long[] {ATTR_NOATIME, ATTR__ATIME};
            case "ratime" -> new long[] {ATTR_RELATIME, ATTR__ATIME};
            case "rstrictatime" -> new long[] {ATTR_STRICTATIME, ATTR__ATIME};
            case "rnostrictatime" -> new long[] {ATTR_RELATIME, ATTR__ATIME};
            case "rnosymfollow" -> new long[] {ATTR_NOSYMFOLLOW, 0};
            case "rsymfollow" -> new long[] {0, ATTR_NOSYMFOLLOW};
            default -> null;
        };
    }

    public static MountOptions parse(List<String> options, String path) {
        long flags = 0, clear = 0, rset = 0, rclr = 0;
        List<Long> prop = new ArrayList<>();
        List<String> data = new ArrayList<>();
        for (String o : options) {
            long f = flag(o);
            long p;
            long[] r;
            if (f != 0) {
                long bits = f & ~(CLEARS | KNOWN);
                if ((f & CLEARS) != 0) {
                    flags &= ~bits;
                    clear |= bits;
                } else {
                    flags |= bits;
                    clear &= ~bits;
                }
            } else if ((p = propagation(o)) != 0) {
                prop.add(p);
            } else if ((r = recursive(o)) != null) {
                if ((r[0] & ATTR__ATIME) != 0 || (r[1] & ATTR__ATIME) != 0) rclr |= ATTR__ATIME;
                rset = (rset & ~r[1]) | r[0];
                rclr = (rclr & ~r[0]) | r[1];
            } else if (o.equals("idmap") || o.equals("ridmap")) {
                // an idmapped bind (mounts[].uidMappings): MountPlanner reads these from the options itself
            } else if (o.equals("tmpcopyup")) {
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
