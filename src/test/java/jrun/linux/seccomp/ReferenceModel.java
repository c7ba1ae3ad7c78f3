package jrun.linux.seccomp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jrun.linux.seccomp.SeccompProfile.Cond;
import jrun.linux.seccomp.SeccompProfile.Rule;

/**
 * The filter's meaning written plainly (no BPF, no ranges, no trees), to check generated code
 * against: for one (arch, nr, args), which return value should the kernel see.
 */
final class ReferenceModel {
    private final SeccompProfile p;
    private final List<Arch> arches = new ArrayList<>();

    ReferenceModel(SeccompProfile p, Arch nativeArch) {
        this.p = p;
        arches.add(nativeArch);
        for (String a : p.architectures()) {
            Arch arch = Arch.fromOci(a);
            if (arch.hasTable() && !arches.contains(arch)) arches.add(arch);
        }
    }

    int eval(int auditArch, int nr, long... args) {
        Arch arch = null;
        for (Arch a : arches) if (a.auditArch == auditArch && a != Arch.X32) arch = a;
        if (arch == null && auditArch == Arch.X32.auditArch && arches.contains(Arch.X32)) arch = Arch.X32;
        if (arch == null) return SeccompProfile.RET_KILL_THREAD;
        boolean x32Bit = (nr & Arch.X32_SYSCALL_BIT) != 0;
        if (arch == Arch.X86_64 && x32Bit) {
            if (!arches.contains(Arch.X32)) return SeccompProfile.RET_KILL_THREAD;
            arch = Arch.X32;
        } else if (arch == Arch.X32 && !x32Bit) {
            return SeccompProfile.RET_KILL_THREAD;
        }
        Map<String, Integer> table = SyscallTable.of(arch).all();
        Map<Long, List<String>> byNumber = new HashMap<>();
        table.forEach((n, v) -> byNumber.computeIfAbsent(Integer.toUnsignedLong(v), k -> new ArrayList<>()).add(n));
        long max = -1;
        for (Rule r : p.rules()) for (String n : r.names()) {
            if (table.containsKey(n)) max = Math.max(max, Integer.toUnsignedLong(table.get(n)));
        }
        int def = p.defaultAction();
        boolean stub = def != SeccompProfile.RET_ALLOW && def != SeccompProfile.RET_LOG && (def & 0xfff00000) != SeccompProfile.RET_TRACE;
        long unr = Integer.toUnsignedLong(nr);
        if (stub && p.architectures().contains(arch.ociName) && max >= 0 && unr > max) return SeccompProfile.RET_ERRNO | SeccompProfile.ENOSYS;
        List<String> names = byNumber.getOrDefault(unr, List.of());
        int bits = arch.argBits;
        Integer unconditional = null;
        List<Rule> rules = new ArrayList<>(p.rules());
        if (arch == Arch.X86 && (unr == 102 || unr == 117)) { // socketcall and ipc: also rules on their calls
            for (Rule r : p.rules()) for (String n : r.names()) {
                int call = unr == 102 ? SyscallNames.socketcall(n) : SyscallNames.ipc(n);
                if (call > 0) rules.add(new Rule(List.of(unr == 102 ? "socketcall" : "ipc"), r.action(),
                        List.of(new Cond(0, SeccompProfile.Op.EQ, call, 0)), r.path()));
            }
        }
        for (Rule r : rules) {
            if (r.action() == def || r.names().stream().noneMatch(names::contains)) continue;
            if (r.conds().stream().allMatch(c -> noop(c, bits))) {
                if (unconditional == null) unconditional = r.action();
            }
        }
        if (unconditional != null) return unconditional;
        for (Rule r : rules) {
            if (r.action() == def || r.names().stream().noneMatch(names::contains) || r.conds().stream().allMatch(c -> noop(c, bits))) continue;
            boolean all = true;
            for (Cond c : r.conds()) all &= holds(c, args[c.index()], arch.argBits);
            if (all) return r.action();
        }
        return def;
    }

    /** A MASKED_EQ with a zero mask (in the ABI's width) always holds; libseccomp drops it. */
    static boolean noop(Cond c, int bits) {
        return c.op() == SeccompProfile.Op.MASKED_EQ && (bits == 32 ? (c.value() & 0xffffffffL) == 0 : c.value() == 0);
    }

    static boolean holds(Cond c, long arg, int bits) {
        long v = c.value(), two = c.valueTwo();
        if (bits == 32) {
            arg &= 0xffffffffL;
            v &= 0xffffffffL;
            two &= 0xffffffffL;
        }
        int cmp = Long.compareUnsigned(arg, v);
        return switch (c.op()) {
            case NE -> cmp != 0;
            case LT -> cmp < 0;
            case LE -> cmp <= 0;
            case EQ -> cmp == 0;
            case GE -> cmp >= 0;
            case GT -> cmp > 0;
            case MASKED_EQ -> (arg & v) == (two & v); // libseccomp ignores datum bits outside the mask
        };
    }
}
