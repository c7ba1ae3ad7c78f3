package jrun.spec;

import java.util.List;

import jrun.JrunException;

/**
 * process.scheduler, process.ioPriority and linux.personality (runtime-spec 1.2), checked and
 * turned into the numbers the kernel takes: struct sched_attr's fields for sched_setattr(2), the
 * ioprio_set(2) value, the personality(2) persona. Any of them may be absent (null).
 */
public final class ProcessTuning {
    private ProcessTuning() {}

    /** process.scheduler as struct sched_attr (linux/sched/types.h, version 0: 48 bytes). */
    public record Scheduler(int policy, long flags, int nice, int priority, long runtime, long deadline, long period) {
        /** The 48 bytes sched_setattr(2) reads, little-endian (x86-64 and arm64). */
        public byte[] attr() {
            byte[] b = new byte[48];
            put(b, 0, 48, 4);
            put(b, 4, policy, 4);
            put(b, 8, flags, 8);
            put(b, 16, nice, 4);
            put(b, 20, priority, 4);
            put(b, 24, runtime, 8);
            put(b, 32, deadline, 8);
            put(b, 40, period, 8);
            return b;
        }

        private static void put(byte[] b, int at, long v, int n) {
            for (int i = 0; i < n; i++) b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    private static final List<String> POLICIES = List.of("SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO",
            "SCHED_IDLE", "SCHED_DEADLINE"); // the kernel's numbers 0..6
    private static final List<String> FLAGS = List.of("SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN",
            "SCHED_FLAG_KEEP_POLICY", "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX"); // bits 0..6

    /** The index of field key's value among names, or an error naming the field and the choices. */
    private static int oneOf(Fields f, String key, List<String> names) {
        int i = names.indexOf(f.str(key));
        if (i < 0) throw new JrunException(f.path(key) + ": unknown " + key + " \"" + f.str(key) + "\" (one of " + names + ")");
        return i;
    }

    /** The "flags" list as a mask: names.get(i) is bit firstBit + i. */
    private static long flags(Fields f, List<String> names, int firstBit) {
        long flags = 0;
        for (String fl : f.strings("flags")) {
            int i = names.indexOf(fl);
            if (i < 0) throw new JrunException(f.path("flags") + ": unknown flag \"" + fl + "\"");
            flags |= 1L << (firstBit + i);
        }
        return flags;
    }

    static Scheduler scheduler(Fields f) {
        if (f == null) return null;
        int policy = oneOf(f, "policy", POLICIES);
        long flags = flags(f, FLAGS, 0);
        int nice = (int) f.integer("nice", -20, 19, 0);
        int priority = (int) f.integer("priority", 0, 99, 0);
        boolean realtime = policy == 1 || policy == 2;
        if (realtime && priority == 0) throw new JrunException(f.path("priority") + ": " + POLICIES.get(policy) + " needs a priority of 1-99");
        if (!realtime && priority != 0) throw new JrunException(f.path("priority") + ": only SCHED_FIFO and SCHED_RR take a priority");
        long runtime = f.has("runtime") ? f.unsigned64("runtime") : 0, deadline = f.has("deadline") ? f.unsigned64("deadline") : 0,
                period = f.has("period") ? f.unsigned64("period") : 0;
        if (policy != 6 && (runtime != 0 || deadline != 0 || period != 0))
            throw new JrunException(f.path("runtime") + ": runtime, deadline and period are for SCHED_DEADLINE only");
        return new Scheduler(policy, flags, nice, priority, runtime, deadline, period);
    }

    /** process.execCPUAffinity: sched_setaffinity(2) masks, each null when absent or empty. Not for the init (spec). */
    public record ExecAffinity(byte[] initial, byte[] fin) {}

    static ExecAffinity execAffinity(Fields f) {
        if (f == null) return null;
        byte[] initial = cpuMask(f.optStr("initial", ""), f.path("initial")), fin = cpuMask(f.optStr("final", ""), f.path("final"));
        return initial == null && fin == null ? null : new ExecAffinity(initial, fin);
    }

    /** A CPU list ("0-3,7") as the cpu_set_t sched_setaffinity(2) takes: 1024 bits, little-endian; null for "". */
    static byte[] cpuMask(String list, String path) {
        if (list.isEmpty()) return null;
        byte[] mask = new byte[128];
        for (String part : list.split(",", -1)) {
            String p = part.trim();
            int dash = p.indexOf('-');
            int lo, hi;
            try {
                lo = Integer.parseInt(dash < 0 ? p : p.substring(0, dash));
                hi = dash < 0 ? lo : Integer.parseInt(p.substring(dash + 1));
            } catch (NumberFormatException e) {
                throw new JrunException(path + ": \"" + list + "\" is not a CPU list like 0-3,7");
            }
            if (lo < 0 || hi < lo || hi >= 1024) throw new JrunException(path + ": \"" + p + "\" is not a range of CPUs 0-1023");
            for (int c = lo; c <= hi; c++) mask[c / 8] |= (byte) (1 << (c % 8));
        }
        return mask;
    }

    /** linux.memoryPolicy as set_mempolicy(2) takes it: mode with its flags, and the node mask (null: none). */
    public record MemoryPolicy(long modeAndFlags, byte[] nodes) {}

    private static final List<String> MPOL_MODES = List.of("MPOL_DEFAULT", "MPOL_PREFERRED", "MPOL_BIND", "MPOL_INTERLEAVE",
            "MPOL_LOCAL", "MPOL_PREFERRED_MANY", "MPOL_WEIGHTED_INTERLEAVE"); // the kernel's numbers 0..6
    private static final List<String> MPOL_FLAGS = List.of("MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES"); // bits 13..15

    static MemoryPolicy memoryPolicy(Fields f) {
        if (f == null) return null;
        int mode = oneOf(f, "mode", MPOL_MODES);
        long flags = flags(f, MPOL_FLAGS, 13);
        byte[] nodes = cpuMask(f.optStr("nodes", ""), f.path("nodes")); // the same list syntax, over NUMA nodes
        boolean none = mode == 0 || mode == 4;
        if (none && nodes != null) throw new JrunException(f.path("nodes") + ": " + MPOL_MODES.get(mode) + " takes no nodes");
        if (!none && nodes == null) throw new JrunException(f.path("nodes") + ": " + MPOL_MODES.get(mode) + " needs nodes");
        return new MemoryPolicy(mode | flags, nodes);
    }

    private static final List<String> IO_CLASSES = List.of("IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE"); // 1..3

    /** process.ioPriority as ioprio_set(2)'s value: class << 13 | priority; null when absent. */
    static Integer ioPriority(Fields f) {
        if (f == null) return null;
        int c = oneOf(f, "class", IO_CLASSES);
        int prio = (int) f.integer("priority", 0, 7, 0);
        return (c + 1) << 13 | prio;
    }

    /** linux.personality as personality(2)'s persona: the domain (LINUX 0x0, LINUX32 0x8) and flags; null when absent. */
    static Integer personality(Fields f) {
        if (f == null) return null;
        String d = f.str("domain");
        int persona = switch (d) {
            case "LINUX" -> 0x0000;
            case "LINUX32" -> 0x0008;
            default -> throw new JrunException(f.path("domain") + ": unknown domain \"" + d + "\" (LINUX or LINUX32)");
        };
        if (!f.strings("flags").isEmpty()) throw new JrunException(f.path("flags") + ": no personality flags are defined by the spec yet");
        return persona;
    }
}
