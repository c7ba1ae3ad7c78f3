package jrun.linux.seccomp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jrun.JrunException;
import jrun.linux.seccomp.SeccompProfile.Cond;
import jrun.linux.seccomp.SeccompProfile.Rule;

/**
 * Compiles an OCI {@code linux.seccomp} object to classic BPF, with the semantics runc 1.1.5
 * gets from libseccomp 2.5 plus its -ENOSYS patch (libcontainer/seccomp/patchbpf):
 * <ul>
 * <li>The filter covers the native architecture and every listed one; any other architecture
 *     gets libseccomp's default bad-arch action, kill-thread. On x86_64, numbers with the x32 bit
 *     go to the x32 rules when SCMP_ARCH_X32 is listed and are killed otherwise.</li>
 * <li>Names unknown on an architecture are skipped there; a name unknown on all of them is
 *     ignored with a warning (runc: "unknown seccomp syscall ignored"). Rules whose action equals
 *     the default action are dropped.</li>
 * <li>runc 1.1.5's -ENOSYS stub: when the default action is not ALLOW, LOG or TRACE, a syscall
 *     number above the highest one the profile names for an architecture listed in
 *     {@code architectures} returns ENOSYS, so newer syscalls fall back cleanly (with or without
 *     defaultErrnoRet; an unlisted native architecture gets no stub).</li>
 * <li>Per syscall, a rule without conditions decides alone (libseccomp lets it override conditional
 *     rules); otherwise rules with conditions are tried in profile order, then the default action.
 *     Conditions compare 64-bit arguments unsigned as two 32-bit halves; 32-bit ABIs (x86, x32, arm)
 *     compare the low half only. Rules libseccomp refuses (same or leading conditions, another
 *     action) are refused.</li>
 * <li>Known difference: where one call's arguments satisfy two conditional rules with different
 *     actions, libseccomp picks by the shape of its argument tree, not profile order. Probed on
 *     runc 1.1.5: a rule on a higher argument wins (a1==1 over a0==1), EQ beats GE and GT, NE beats
 *     EQ, LT beats GT, GT 4 beats GT 3, EQ against MASKED_EQ depends on order. Its merged trees
 *     also get some 64-bit ranges wrong: with "uid >= 0x7fffffff" and "uid < 2^32" as two rules,
 *     uid = 2^32 matches neither under runc 1.1.5; we follow the arithmetic. Docker's and
 *     Podman's default profiles have neither case.</li>
 * </ul>
 * Syscall dispatch is a binary search over ranges of syscall numbers with the same outcome, so
 * Docker's default profile is a few hundred instructions, far under the kernel's 4096.
 */
public final class SeccompCompiler {
    private SeccompCompiler() {}

    /** Data offsets in struct seccomp_data (little-endian args). */
    private static final int NR = 0, ARCH = 4, ARGS = 16;

    public static SeccompProgram compile(Map<String, Object> seccomp, String path) {
        return compile(seccomp, path, Arch.nativeArch());
    }

    public static SeccompProgram compile(Map<String, Object> seccomp, String path, Arch nativeArch) {
        SeccompProfile p = SeccompProfile.parse(seccomp, path);
        List<String> warnings = new ArrayList<>();
        Set<Arch> arches = new LinkedHashSet<>();
        arches.add(nativeArch);
        for (int i = 0; i < p.architectures().size(); i++) {
            String name = p.architectures().get(i);
            Arch a = Arch.fromOci(name);
            if (a == null) throw new JrunException(path + ".architectures[" + i + "]: unknown architecture \"" + name + "\"");
            if (!a.hasTable()) {
                warnings.add(path + ".architectures[" + i + "]: no syscall table for " + name
                        + "; its processes get the bad-architecture action (kill)");
                continue;
            }
            arches.add(a);
        }
        List<Rule> rules = p.rules();
        int[][] nameIdx = new int[rules.size()][];
        Set<String> unknown = new LinkedHashSet<>();
        for (int ri = 0; ri < rules.size(); ri++) {
            Rule r = rules.get(ri);
            nameIdx[ri] = new int[r.names().size()];
            for (int j = 0; j < nameIdx[ri].length; j++) {
                String n = r.names().get(j);
                int idx = SyscallNames.index(n);
                nameIdx[ri][j] = idx;
                boolean anywhere = arches.contains(Arch.X86) && (SyscallNames.socketcall(n) > 0 || SyscallNames.ipc(n) > 0);
                for (Arch a : arches) anywhere |= SyscallTable.of(a).numberAt(idx) >= 0;
                if (!anywhere && unknown.add(n)) warnings.add(r.path() + ": unknown syscall \"" + n + "\" ignored, as runc does");
            }
        }
        refuseConflicts(p);
        boolean stub = p.defaultAction() != SeccompProfile.RET_ALLOW
                && p.defaultAction() != SeccompProfile.RET_LOG && (p.defaultAction() & 0xfff00000) != SeccompProfile.RET_TRACE;

        Bpf b = new Bpf();
        int badArch = SeccompProfile.RET_KILL_THREAD;
        boolean x32 = arches.contains(Arch.X32);
        Map<Integer, Bpf.Label> blocks = new LinkedHashMap<>();
        b.load(ARCH);
        for (Arch a : arches) {
            if (a == Arch.X32 && arches.contains(Arch.X86_64)) continue; // reached through x86_64's block
            Bpf.Label l = b.label();
            blocks.put(a.auditArch, l);
            b.jump(Bpf.JEQ, a.auditArch, l, null);
        }
        b.ret(badArch);
        for (Arch a : arches) {
            if (a == Arch.X32 && arches.contains(Arch.X86_64)) continue;
            b.bind(blocks.get(a.auditArch));
            b.load(NR);
            if (a == Arch.X86_64) {
                Bpf.Label x32Block = b.label();
                b.jump(Bpf.JSET, Arch.X32_SYSCALL_BIT, x32Block, null);
                archBody(b, Arch.X86_64, p, nameIdx, stub);
                b.bind(x32Block);
                if (x32) archBody(b, Arch.X32, p, nameIdx, stub);
                else b.ret(badArch);
            } else if (a == Arch.X32) {
                Bpf.Label ok = b.label();
                b.jump(Bpf.JSET, Arch.X32_SYSCALL_BIT, ok, null);
                b.ret(badArch); // an x86_64 syscall in an x32-only filter
                b.bind(ok);
                archBody(b, a, p, nameIdx, stub);
            } else {
                archBody(b, a, p, nameIdx, stub);
            }
        }
        byte[] code = b.assemble();
        if (code.length / 8 > Bpf.MAX_INSNS) {
            throw new JrunException(path + ": the profile compiles to " + code.length / 8
                    + " BPF instructions, more than the kernel's limit of " + Bpf.MAX_INSNS);
        }
        return new SeccompProgram(code, p.flags(), p.listenerPath(), p.listenerMetadata(), List.copyOf(warnings));
    }

    /**
     * libseccomp refuses ("file exists", so runc fails to start the container) a conditional rule
     * whose conditions, in argument order, equal or begin the conditions of an earlier rule on the
     * same syscall with another action. So do we, naming both rules.
     */
    private static void refuseConflicts(SeccompProfile p) {
        Map<String, List<Object[]>> seen = new java.util.HashMap<>(); // name -> {conditions key[], rule}
        for (Rule r : p.rules()) {
            if (ArgCompare.unconditional(r.conds(), 64) || r.action() == p.defaultAction()) continue;
            // plain string keys: record hashCode/equals would bootstrap ObjectMethods at every create
            String[] keys = new String[r.conds().size()];
            for (int i = 0; i < keys.length; i++) {
                Cond c = r.conds().get(i);
                keys[i] = new StringBuilder().append(c.index()).append(c.op().ordinal()).append(':').append(c.value())
                        .append(':').append(c.valueTwo()).toString();
            }
            java.util.Arrays.sort(keys); // argument order: one condition per argument here
            for (String n : r.names()) {
                List<Object[]> before = seen.get(n);
                if (before == null) seen.put(n, before = new ArrayList<>());
                for (Object[] b : before) {
                    String[] old = (String[]) b[0];
                    Rule earlier = (Rule) b[1];
                    if (earlier.action() != r.action() && keys.length <= old.length
                            && java.util.Arrays.equals(keys, 0, keys.length, old, 0, keys.length)) {
                        throw new JrunException(r.path() + ": " + n + " has the same argument conditions as (the start of) "
                                + earlier.path() + " but another action (libseccomp refuses this)");
                    }
                }
                before.add(new Object[] {keys, r});
            }
        }
    }

    /** One architecture's dispatch on the syscall number (already in A), ending in a return. */
    private static void archBody(Bpf b, Arch a, SeccompProfile p, int[][] nameIdx, boolean stub) {
        stub &= p.architectures().contains(a.ociName); // runc patches only the listed architectures
        SyscallTable t = SyscallTable.of(a);
        List<Rule> rules = p.rules();
        long base = a == Arch.X32 ? Arch.X32_SYSCALL_BIT : 0, max = -1;
        for (int[] idxs : nameIdx) for (int idx : idxs) max = Math.max(max, t.numberAt(idx));
        // i386 also reaches socket and SysV IPC calls through socketcall(2) and ipc(2): as libseccomp,
        // a rule on such a call adds one on the multiplexer for its call number (its own conditions
        // cannot be seen there and are dropped)
        List<Rule> all = rules;
        List<long[]> muxed = new ArrayList<>(); // {multiplexer number, index in all}
        if (a == Arch.X86) {
            long socketcall = t.number("socketcall"), ipc = t.number("ipc");
            for (int ri = 0; ri < rules.size(); ri++) {
                Rule r = rules.get(ri);
                if (r.action() == p.defaultAction()) continue;
                for (String n : r.names()) {
                    int sc = SyscallNames.socketcall(n), ic = SyscallNames.ipc(n);
                    if (sc == 0 && ic == 0) continue;
                    if (all == rules) all = new ArrayList<>(rules);
                    all.add(new Rule(List.of(n), r.action(),
                            List.of(new Cond(0, SeccompProfile.Op.EQ, sc > 0 ? sc : ic, 0)), r.path()));
                    muxed.add(new long[] {sc > 0 ? socketcall : ipc, all.size() - 1});
                }
            }
        }
        int span = (int) (max - base + 1);
        // per syscall number, the rules naming it in profile order, as linked lists of entries:
        // plain arrays and no sorting, as this runs interpreted at every create
        int[] head = new int[Math.max(span, 0)], tail = new int[head.length];
        java.util.Arrays.fill(head, -1);
        int entries = muxed.size();
        for (int[] idxs : nameIdx) entries += idxs.length;
        int[] next = new int[entries], ruleOf = new int[entries];
        int e = 0;
        for (int ri = 0; ri < rules.size(); ri++) {
            if (rules.get(ri).action() == p.defaultAction()) continue;
            for (int idx : nameIdx[ri]) {
                long nr = t.numberAt(idx);
                if (nr < 0) continue;
                int slot = (int) (nr - base);
                if (head[slot] >= 0 && ruleOf[tail[slot]] == ri) continue; // a name listed twice in one rule
                ruleOf[e] = ri;
                next[e] = -1;
                if (head[slot] < 0) head[slot] = e;
                else next[tail[slot]] = e;
                tail[slot] = e++;
            }
        }
        for (long[] m : muxed) { // after the direct rules on socketcall/ipc themselves
            int slot = (int) (m[0] - base);
            ruleOf[e] = (int) m[1];
            next[e] = -1;
            if (head[slot] < 0) head[slot] = e;
            else next[tail[slot]] = e;
            tail[slot] = e++;
        }
        // ranges [starts[i], starts[i+1]) with one outcome: null = default action, an Integer
        // return value, or the syscall's rules
        long[] starts = new long[2 * head.length + 3];
        Object[] outcomes = new Object[starts.length];
        int n = 0;
        starts[n] = base;
        outcomes[n++] = null;
        for (int slot = 0; slot < head.length; slot++) {
            int h = head[slot];
            if (h < 0) continue;
            Object outcome;
            Rule first = all.get(ruleOf[h]);
            if (next[h] < 0 && ArgCompare.unconditional(first.conds(), a.argBits)) {
                outcome = first.action();
            } else {
                List<Rule> group = new ArrayList<>(4);
                for (int k = h; k >= 0; k = next[k]) group.add(all.get(ruleOf[k]));
                outcome = group;
            }
            n = addRange(starts, outcomes, n, base + slot, outcome);
            n = addRange(starts, outcomes, n, base + slot + 1, null);
        }
        if (stub && max >= 0) n = addRange(starts, outcomes, n, max + 1, SeccompProfile.RET_ERRNO | SeccompProfile.ENOSYS);
        if (starts[n - 1] > 0xffffffffL) n--; // nothing above the last syscall
        tree(b, a, p, starts, outcomes, 0, n - 1);
    }

    /** Appends a range, merging it with the previous one when the outcome is the same action. */
    private static int addRange(long[] starts, Object[] outcomes, int n, long start, Object outcome) {
        if (n > 0 && starts[n - 1] == start) n--; // an empty range: replaced
        if (n > 0 && !(outcome instanceof List) && java.util.Objects.equals(outcomes[n - 1], outcome)) return n;
        starts[n] = start;
        outcomes[n] = outcome;
        return n + 1;
    }

    private static void tree(Bpf b, Arch a, SeccompProfile p, long[] starts, Object[] outcomes, int lo, int hi) {
        if (lo == hi) {
            leaf(b, a, p, outcomes[lo]);
            return;
        }
        int mid = (lo + hi + 1) >>> 1;
        Bpf.Label right = b.label();
        b.jump(Bpf.JGE, (int) starts[mid], right, null);
        tree(b, a, p, starts, outcomes, lo, mid - 1);
        b.bind(right);
        tree(b, a, p, starts, outcomes, mid, hi);
    }

    @SuppressWarnings("unchecked")
    private static void leaf(Bpf b, Arch a, SeccompProfile p, Object outcome) {
        if (outcome == null) {
            b.ret(p.defaultAction());
        } else if (outcome instanceof Integer action) {
            b.ret(action);
        } else {
            List<Rule> rules = (List<Rule>) outcome;
            for (Rule r : rules) {
                if (ArgCompare.unconditional(r.conds(), a.argBits)) { // libseccomp: it overrides every conditional rule
                    b.ret(r.action());
                    return;
                }
            }
            for (Rule r : rules) {
                Bpf.Label next = b.label();
                for (Cond c : r.conds()) ArgCompare.emit(b, c, a.argBits, ARGS + 8 * c.index(), next);
                b.ret(r.action());
                b.bind(next);
            }
            b.ret(p.defaultAction());
            // the syscall number is no longer in A, but nothing after this point reads it
        }
    }
}
