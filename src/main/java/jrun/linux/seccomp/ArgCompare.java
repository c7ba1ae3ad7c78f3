package jrun.linux.seccomp;

import jrun.linux.seccomp.SeccompProfile.Cond;

/**
 * Emits one argument condition: falls through when it holds, jumps to {@code fail} when not.
 * A 64-bit unsigned comparison is decided by the high words unless they are equal, then by the
 * low words; 32-bit ABIs compare the low word only. Arguments are little-endian in seccomp_data.
 * MASKED_EQ is (arg & mask) == (datum & mask), as libseccomp (and so runc) applies it: datum bits
 * outside the mask are ignored (probed on runc 1.1.5).
 */
final class ArgCompare {
    private ArgCompare() {}

    /**
     * libseccomp drops a MASKED_EQ whose mask is zero in the compared width: it always holds. A
     * rule left without conditions then counts as unconditional (probed on runc 1.1.5).
     */
    static boolean isNoop(Cond c, int argBits) {
        return c.op() == SeccompProfile.Op.MASKED_EQ && (argBits == 32 ? (int) c.value() == 0 : c.value() == 0);
    }

    /** Whether every condition of the list always holds on an ABI of this width. */
    static boolean unconditional(java.util.List<Cond> conds, int argBits) {
        for (Cond c : conds) if (!isNoop(c, argBits)) return false;
        return true;
    }

    static void emit(Bpf b, Cond c, int argBits, int offset, Bpf.Label fail) {
        if (isNoop(c, argBits)) return;
        long v = c.value(), two = c.valueTwo();
        int lo = (int) v, hi = (int) (v >>> 32);
        Bpf.Label pass = b.label();
        if (argBits == 32) {
            b.load(offset);
            switch (c.op()) {
                case EQ -> b.jump(Bpf.JEQ, lo, null, fail);
                case NE -> b.jump(Bpf.JEQ, lo, fail, null);
                case GT -> b.jump(Bpf.JGT, lo, null, fail);
                case GE -> b.jump(Bpf.JGE, lo, null, fail);
                case LT -> b.jump(Bpf.JGE, lo, fail, null);
                case LE -> b.jump(Bpf.JGT, lo, fail, null);
                case MASKED_EQ -> {
                    b.and(lo);
                    b.jump(Bpf.JEQ, (int) two & lo, null, fail);
                }
            }
            return;
        }
        Bpf.Label low = b.label();
        b.load(offset + 4); // high word
        switch (c.op()) {
            case EQ -> {
                b.jump(Bpf.JEQ, hi, null, fail);
                b.load(offset);
                b.jump(Bpf.JEQ, lo, null, fail);
            }
            case NE -> {
                b.jump(Bpf.JEQ, hi, null, pass);
                b.load(offset);
                b.jump(Bpf.JEQ, lo, fail, null);
            }
            case GT, GE -> {
                b.jump(Bpf.JGT, hi, pass, null);
                b.jump(Bpf.JEQ, hi, low, fail);
                b.bind(low);
                b.load(offset);
                b.jump(c.op() == SeccompProfile.Op.GT ? Bpf.JGT : Bpf.JGE, lo, null, fail);
            }
            case LT, LE -> {
                b.jump(Bpf.JGT, hi, fail, null);
                b.jump(Bpf.JEQ, hi, low, pass);
                b.bind(low);
                b.load(offset);
                b.jump(c.op() == SeccompProfile.Op.LT ? Bpf.JGE : Bpf.JGT, lo, fail, null);
            }
            case MASKED_EQ -> {
                b.and(hi);
                b.jump(Bpf.JEQ, (int) (two >>> 32) & hi, null, fail);
                b.load(offset);
                b.and(lo);
                b.jump(Bpf.JEQ, (int) two & lo, null, fail);
            }
        }
        b.bind(pass);
    }
}
