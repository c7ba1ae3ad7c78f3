package jrun.linux.seccomp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Runs a seccomp cBPF program on one struct seccomp_data, as the kernel would (test oracle). */
final class BpfInterpreter {
    private BpfInterpreter() {}

    static int run(byte[] prog, int nr, int arch, long... args) {
        ByteBuffer data = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        data.putInt(0, nr).putInt(4, arch).putLong(8, 0x401000L);
        for (int i = 0; i < args.length; i++) data.putLong(16 + 8 * i, args[i]);
        ByteBuffer p = ByteBuffer.wrap(prog).order(ByteOrder.nativeOrder());
        int n = prog.length / 8, pc = 0, a = 0;
        for (int steps = 0; steps <= n; steps++) {
            if (pc >= n) throw new AssertionError("ran off the end of the program");
            int code = p.getShort(pc * 8) & 0xffff, jt = p.get(pc * 8 + 2) & 0xff, jf = p.get(pc * 8 + 3) & 0xff;
            int k = p.getInt(pc * 8 + 4);
            pc++;
            switch (code) {
                case Bpf.LD_W_ABS -> {
                    if (k < 0 || k > 60 || k % 4 != 0) throw new AssertionError("bad load offset " + k);
                    a = data.getInt(k);
                }
                case Bpf.ALU_AND_K -> a &= k;
                case Bpf.RET_K -> { return k; }
                case Bpf.JA -> pc += k;
                case Bpf.JEQ -> pc += a == k ? jt : jf;
                case Bpf.JGT -> pc += Integer.compareUnsigned(a, k) > 0 ? jt : jf;
                case Bpf.JGE -> pc += Integer.compareUnsigned(a, k) >= 0 ? jt : jf;
                case Bpf.JSET -> pc += (a & k) != 0 ? jt : jf;
                default -> throw new AssertionError("unexpected opcode " + Integer.toHexString(code));
            }
        }
        throw new AssertionError("loop");
    }
}
