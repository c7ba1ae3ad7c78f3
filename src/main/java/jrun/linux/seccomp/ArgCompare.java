package jrun.linux.seccomp;

import jrun.linux.seccomp.SeccompProfile.Cond;

/**
 * Emits one argument condition: falls through when it holds, jumps to {@code fail} when not.
 * A 64-bit unsigned comparison is decided by the high words unless they are equal, then by the
 * low words; 32-bit ABIs compare the low word only. Arguments are little-endian in seccomp_data.
 */
final class ArgCompare {
    private ArgCompare() {}

    static void emit(Bpf b, Cond c, int argBits, int offset, Bpf.Label fail) {
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
                    b.jump(Bpf.JEQ, (int) two, null, fail);
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
                b.and((int) (v >>> 32));
                b.jump(Bpf.JEQ, (int) (two >>> 32), null, fail);
                b.load(offset);
                b.and(lo);
                b.jump(Bpf.JEQ, (int) two, null, fail);
            }
        }
        b.bind(pass);
    }
}
