package jrun.linux.seccomp;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A tiny classic-BPF assembler with labels. Conditional jumps in cBPF reach at most 255
 * instructions forward; a jump that does not fit is rewritten as {@code jcc 0,1; ja T; ja F}
 * (ja has a 32-bit offset), repeating the layout until every short jump fits. Hand-written
 * because no JDK or small library assembles cBPF.
 */
final class Bpf {
    static final int LD_W_ABS = 0x20, ALU_AND_K = 0x54, JA = 0x05, JEQ = 0x15, JGT = 0x25, JGE = 0x35,
            JSET = 0x45, RET_K = 0x06;
    /** The kernel's limit on a filter's length (BPF_MAXINSNS). */
    static final int MAX_INSNS = 4096;

    static final class Label {
        int insn = -1; // index of the instruction the label is bound before
    }

    private record Insn(int code, int k, Label t, Label f) {}

    private final List<Insn> code = new ArrayList<>();
    private final List<Label> pendingBinds = new ArrayList<>();

    Label label() {
        return new Label();
    }

    /** Binds the label to the next instruction emitted. */
    void bind(Label l) {
        if (l.insn >= 0 || pendingBinds.contains(l)) throw new IllegalStateException("label bound twice");
        pendingBinds.add(l);
    }

    private void emit(Insn i) {
        for (Label l : pendingBinds) l.insn = code.size();
        pendingBinds.clear();
        code.add(i);
    }

    void load(int offset) { emit(new Insn(LD_W_ABS, offset, null, null)); }
    void and(int k) { emit(new Insn(ALU_AND_K, k, null, null)); }
    void ret(int k) { emit(new Insn(RET_K, k, null, null)); }
    void jump(Label to) { emit(new Insn(JA, 0, to, null)); }

    /** A conditional jump: to t when the condition holds, else to f; null means the next instruction. */
    void jump(int op, int k, Label t, Label f) { emit(new Insn(op, k, t, f)); }

    int size() {
        return code.size();
    }

    /** The program as a native-endian struct sock_filter array. */
    byte[] assemble() {
        if (!pendingBinds.isEmpty()) throw new IllegalStateException("label bound after the last instruction");
        int n = code.size();
        boolean[] longForm = new boolean[n];
        int[] pos = new int[n + 1];
        for (boolean changed = true; changed; ) {
            changed = false;
            for (int i = 0; i < n; i++) pos[i + 1] = pos[i] + (longForm[i] ? 3 : 1);
            for (int i = 0; i < n; i++) {
                Insn in = code.get(i);
                if (longForm[i] || in.code() == JA || (in.code() & 0x07) != 0x05) continue;
                if (offset(pos, i, 1, in.t()) > 255 || offset(pos, i, 1, in.f()) > 255) {
                    longForm[i] = true;
                    changed = true;
                }
            }
        }
        byte[] out = new byte[pos[n] * 8];
        int at = 0;
        for (int i = 0; i < n; i++) {
            Insn in = code.get(i);
            boolean cond = (in.code() & 0x07) == 0x05 && in.code() != JA;
            if (in.code() == JA) {
                at = put(out, at, JA, 0, 0, offset(pos, i, 1, in.t()));
            } else if (cond && longForm[i]) {
                at = put(out, at, in.code(), 0, 1, in.k());
                at = put(out, at, JA, 0, 0, offset(pos, i, 2, in.t()));
                at = put(out, at, JA, 0, 0, offset(pos, i, 3, in.f()));
            } else if (cond) {
                at = put(out, at, in.code(), offset(pos, i, 1, in.t()), offset(pos, i, 1, in.f()), in.k());
            } else {
                at = put(out, at, in.code(), 0, 0, in.k());
            }
        }
        return out;
    }

    /** Instructions to skip from the slot at pos[i]+slot-1 to the label (null = next instruction). */
    private int offset(int[] pos, int i, int slot, Label l) {
        int from = pos[i] + slot;
        int to = l == null ? pos[i + 1] : pos[l.insn];
        if (l != null && l.insn < 0) throw new IllegalStateException("unbound label");
        if (to < from) throw new IllegalStateException("backward jump");
        return to - from;
    }

    private static final boolean LITTLE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    /** One struct sock_filter in native byte order, written by hand: cheaper than ByteBuffer when interpreted. */
    private static int put(byte[] b, int at, int code, int jt, int jf, int k) {
        if (LITTLE) {
            b[at] = (byte) code;
            b[at + 1] = (byte) (code >>> 8);
            b[at + 4] = (byte) k;
            b[at + 5] = (byte) (k >>> 8);
            b[at + 6] = (byte) (k >>> 16);
            b[at + 7] = (byte) (k >>> 24);
        } else {
            b[at] = (byte) (code >>> 8);
            b[at + 1] = (byte) code;
            b[at + 4] = (byte) (k >>> 24);
            b[at + 5] = (byte) (k >>> 16);
            b[at + 6] = (byte) (k >>> 8);
            b[at + 7] = (byte) k;
        }
        b[at + 2] = (byte) jt;
        b[at + 3] = (byte) jf;
        return at + 8;
    }
}
