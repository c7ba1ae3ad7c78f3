package jrun.linux;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jrun.JrunException;
import jrun.spec.ConfigTree;

/**
 * Capability names and numbers (linux/capability.h, up to CAP_CHECKPOINT_RESTORE = 40), and the
 * compilation of a config's {@code process.capabilities} into the five 64-bit masks the helper
 * applies: PR_CAPBSET_DROP for every bit in {@link Masks#boundingDrops}, capset(2) for
 * effective/permitted/inheritable (low 32 bits in data[0], high in data[1]), then
 * PR_CAP_AMBIENT_RAISE for every bit in ambient.
 *
 * <p>Names the kernel does not know (unknown to us, or above /proc/sys/kernel/cap_last_cap) are
 * what runc 1.1 ignores with the warning "ignoring unknown or unavailable capabilities"
 * (libcontainer/capabilities: capSlice). {@link Unknown#WARN} does the same, returning one warning
 * per entry naming its JSON path; {@link Unknown#REJECT} makes each an error instead.
 */
public final class Capabilities {
    private Capabilities() {}

    /** The highest capability this table knows. */
    public static final int LAST_KNOWN = 40;

    private static final String[] NAMES = {
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
        "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
        "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
        "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
        "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
        "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
        "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
        "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
        "CAP_CHECKPOINT_RESTORE",
    };

    /** The set names of process.capabilities, in the order of {@link Masks}'s components. */
    public static final List<String> SETS = List.of("bounding", "effective", "permitted", "inheritable", "ambient");

    public enum Unknown { WARN, REJECT }

    /**
     * The five sets as masks (bit n = capability n). {@code warnings} lists the entries ignored
     * under {@link Unknown#WARN}, each "process.capabilities.bounding[3]: unknown capability ...".
     */
    public record Masks(long bounding, long effective, long permitted, long inheritable, long ambient,
            List<String> warnings) {
        /** The bounding-set bits to drop with PR_CAPBSET_DROP: every capability up to lastCap not kept. */
        public long boundingDrops(int lastCap) {
            return ~bounding & allUpTo(lastCap);
        }

        public long mask(String set) {
            return switch (set) {
                case "bounding" -> bounding;
                case "effective" -> effective;
                case "permitted" -> permitted;
                case "inheritable" -> inheritable;
                case "ambient" -> ambient;
                default -> throw new IllegalArgumentException(set);
            };
        }
    }

    /** The number of a "CAP_..." name, or -1 when this table does not know it. */
    public static int number(String name) {
        // A switch, not a Map of NAMES: no table to build at every command's start (~0.1 ms interpreted).
        return switch (name) {
            case "CAP_CHOWN" -> 0;
            case "CAP_DAC_OVERRIDE" -> 1;
            case "CAP_DAC_READ_SEARCH" -> 2;
            case "CAP_FOWNER" -> 3;
            case "CAP_FSETID" -> 4;
            case "CAP_KILL" -> 5;
            case "CAP_SETGID" -> 6;
            case "CAP_SETUID" -> 7;
            case "CAP_SETPCAP" -> 8;
            case "CAP_LINUX_IMMUTABLE" -> 9;
            case "CAP_NET_BIND_SERVICE" -> 10;
            case "CAP_NET_BROADCAST" -> 11;
            case "CAP_NET_ADMIN" -> 12;
            case "CAP_NET_RAW" -> 13;
            case "CAP_IPC_LOCK" -> 14;
            case "CAP_IPC_OWNER" -> 15;
            case "CAP_SYS_MODULE" -> 16;
            case "CAP_SYS_RAWIO" -> 17;
            case "CAP_SYS_CHROOT" -> 18;
            case "CAP_SYS_PTRACE" -> 19;
            case "CAP_SYS_PACCT" -> 20;
            case "CAP_SYS_ADMIN" -> 21;
            case "CAP_SYS_BOOT" -> 22;
            case "CAP_SYS_NICE" -> 23;
            case "CAP_SYS_RESOURCE" -> 24;
            case "CAP_SYS_TIME" -> 25;
            case "CAP_SYS_TTY_CONFIG" -> 26;
            case "CAP_MKNOD" -> 27;
            case "CAP_LEASE" -> 28;
            case "CAP_AUDIT_WRITE" -> 29;
            case "CAP_AUDIT_CONTROL" -> 30;
            case "CAP_SETFCAP" -> 31;
            case "CAP_MAC_OVERRIDE" -> 32;
            case "CAP_MAC_ADMIN" -> 33;
            case "CAP_SYSLOG" -> 34;
            case "CAP_WAKE_ALARM" -> 35;
            case "CAP_BLOCK_SUSPEND" -> 36;
            case "CAP_AUDIT_READ" -> 37;
            case "CAP_PERFMON" -> 38;
            case "CAP_BPF" -> 39;
            case "CAP_CHECKPOINT_RESTORE" -> 40;
            default -> -1;
        };
    }

    public static String name(int cap) {
        if (cap < 0 || cap >= NAMES.length) throw new IllegalArgumentException("no capability " + cap);
        return NAMES[cap];
    }

    public static List<String> names() {
        return List.of(NAMES);
    }

    /** Bits 0..lastCap set. */
    public static long allUpTo(int lastCap) {
        return lastCap >= 63 ? -1L : (1L << (lastCap + 1)) - 1;
    }

    /** The names whose bits are set in mask, lowest first (for error messages and `features`). */
    public static List<String> namesOf(long mask) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            if ((mask & (1L << i)) != 0) out.add(i < NAMES.length ? NAMES[i] : "CAP_" + i);
        }
        return out;
    }

    /** The running kernel's last capability, from /proc/sys/kernel/cap_last_cap. */
    public static int kernelLastCap() {
        return readLastCap(Path.of("/proc/sys/kernel/cap_last_cap"));
    }

    public static int readLastCap(Path file) {
        String text;
        try {
            text = ProcFiles.read(file).strip();
        } catch (IOException e) {
            throw new JrunException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            int n = Integer.parseInt(text);
            if (n < 0 || n > 63) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new JrunException(file + ": expected a capability number 0..63, found \"" + text + "\"");
        }
    }

    /**
     * Compiles a {@code process.capabilities} object (null = no capabilities at all, as runc)
     * at JSON path {@code path} against the kernel's lastCap.
     */
    public static Masks parse(Map<String, Object> caps, String path, int lastCap, Unknown unknown) {
        long[] m = new long[SETS.size()];
        List<String> warnings = new ArrayList<>();
        if (caps != null) {
            for (int s = 0; s < SETS.size(); s++) {
                String set = SETS.get(s);
                Object v = caps.get(set);
                if (v == null) continue;
                if (!(v instanceof List<?> list)) throw ConfigTree.typeError(path + "." + set, "an array", v);
                for (int i = 0; i < list.size(); i++) {
                    // the path is built only for an error or a warning: ~70 of these in a default config
                    Object x = list.get(i);
                    String name = x instanceof String str ? str : ConfigTree.string(x, path + "." + set + "[" + i + "]");
                    int n = number(name);
                    if (n >= 0 && n <= lastCap) {
                        m[s] |= 1L << n;
                        continue;
                    }
                    String at = path + "." + set + "[" + i + "]";
                    String problem = n < 0 ? "unknown capability \"" + name + "\""
                            : "capability \"" + name + "\" (" + n + ") is not known to this kernel (cap_last_cap is " + lastCap + ")";
                    if (unknown == Unknown.REJECT) {
                        throw new JrunException(at + ": " + problem);
                    } else {
                        warnings.add(at + ": " + problem + "; ignored, as runc does");
                    }
                }
            }
        }
        Masks masks = new Masks(m[0], m[1], m[2], m[3], m[4], List.copyOf(warnings));
        check(masks, path);
        return masks;
    }

    /** Refuses what the kernel would refuse later with a bare EPERM, naming the capabilities. */
    private static void check(Masks m, String path) {
        long notPermitted = m.effective() & ~m.permitted();
        if (notPermitted != 0) {
            throw new JrunException(path + ".effective: " + namesOf(notPermitted)
                    + " not in the permitted set; capset(2) would refuse it");
        }
        long notBounded = m.inheritable() & ~m.bounding();
        if (notBounded != 0) {
            throw new JrunException(path + ".inheritable: " + namesOf(notBounded)
                    + " not in the bounding set; capset(2) would refuse it");
        }
        long notRaisable = m.ambient() & ~(m.permitted() & m.inheritable());
        if (notRaisable != 0) {
            throw new JrunException(path + ".ambient: " + namesOf(notRaisable)
                    + " must also be in permitted and inheritable; the kernel refuses to raise it");
        }
    }
}
