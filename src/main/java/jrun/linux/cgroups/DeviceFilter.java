package jrun.linux.cgroups;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * cgroup v2 device control: compiles {@code linux.resources.devices} to an eBPF program of type
 * BPF_PROG_TYPE_CGROUP_DEVICE (bytes of struct bpf_insn, for bpf(BPF_PROG_LOAD) and
 * BPF_PROG_ATTACH with BPF_CGROUP_DEVICE). As in v1's devices.allow/deny lists and runc's
 * devicefilter, the last rule that matches decides and nothing matching means deny: the program
 * tests the rules from last to first and returns 1 (allow) or 0 (deny).
 *
 * <p>The context is struct bpf_cgroup_dev_ctx {u32 access_type (access << 16 | type); u32 major;
 * u32 minor}, type 1 = block, 2 = char; access 1 = mknod, 2 = read, 4 = write.
 */
public final class DeviceFilter {
    private DeviceFilter() {}

    // opcodes (linux/bpf.h, bpf_common.h)
    static final int LDX_MEM_W = 0x61, ALU32_AND_K = 0x54, ALU32_RSH_K = 0x74, ALU32_MOV_X = 0xbc,
            MOV64_K = 0xb7, JEQ_K = 0x15, JNE_K = 0x55, EXIT = 0x95;
    static final int R0 = 0, R1 = 1, R2 = 2, R3 = 3, R4 = 4, R5 = 5, R6 = 6;

    public static byte[] compile(List<DeviceRule> rules) {
        List<long[]> code = new ArrayList<>(); // {code, dst, src, off, imm}
        emit(code, LDX_MEM_W, R2, R1, 0, 0);   // r2 = access_type
        emit(code, ALU32_MOV_X, R3, R2, 0, 0);  // r3 = access_type
        emit(code, ALU32_AND_K, R2, 0, 0, 0xffff); // r2 = type
        emit(code, ALU32_RSH_K, R3, 0, 0, 16);  // r3 = access
        emit(code, LDX_MEM_W, R4, R1, 4, 0);   // r4 = major
        emit(code, LDX_MEM_W, R5, R1, 8, 0);   // r5 = minor
        boolean catchAll = false;
        for (int i = rules.size() - 1; i >= 0 && !catchAll; i--) {
            DeviceRule r = rules.get(i);
            List<long[]> block = new ArrayList<>();
            if (r.type() != 'a') emit(block, JNE_K, R2, 0, -1, r.type() == 'b' ? 1 : 2);
            int mask = access(r.access());
            if (mask != 7) { // the requested access must be within the rule's
                emit(block, ALU32_MOV_X, R6, R3, 0, 0);
                emit(block, ALU32_AND_K, R6, 0, 0, ~mask);
                emit(block, JNE_K, R6, 0, -1, 0);
            }
            if (r.type() != 'a' && r.major() >= 0) emit(block, JNE_K, R4, 0, -1, (int) r.major());
            if (r.type() != 'a' && r.minor() >= 0) emit(block, JNE_K, R5, 0, -1, (int) r.minor());
            emit(block, MOV64_K, R0, 0, 0, r.allow() ? 1 : 0);
            emit(block, EXIT, 0, 0, 0, 0);
            for (int k = 0; k < block.size(); k++) {
                if (block.get(k)[3] == -1) block.get(k)[3] = block.size() - k - 1; // skip to the next rule
            }
            code.addAll(block);
            catchAll = block.size() == 2; // matches everything: the rules before it never decide (and the verifier refuses dead code)
        }
        if (!catchAll) {
            emit(code, MOV64_K, R0, 0, 0, 0); // no rule matched: deny
            emit(code, EXIT, 0, 0, 0, 0);
        }
        ByteBuffer b = ByteBuffer.allocate(code.size() * 8).order(ByteOrder.nativeOrder());
        for (long[] in : code) {
            b.put((byte) in[0]).put((byte) (in[1] | in[2] << 4)).putShort((short) in[3]).putInt((int) in[4]);
        }
        return b.array();
    }

    /** Parses linux.resources.devices alone (without runc's defaults: see {@link DeviceRule#effective}). */
    public static List<DeviceRule> rules(List<Object> devices, String path) {
        List<DeviceRule> out = new ArrayList<>();
        if (devices != null) for (int i = 0; i < devices.size(); i++) out.add(DeviceRule.parse(devices.get(i), path + "[" + i + "]"));
        return out;
    }

    private static int access(String a) {
        int m = 0;
        if (a.indexOf('m') >= 0) m |= 1;
        if (a.indexOf('r') >= 0) m |= 2;
        if (a.indexOf('w') >= 0) m |= 4;
        return m;
    }

    private static void emit(List<long[]> code, int op, int dst, int src, int off, int imm) {
        code.add(new long[] {op, dst, src, off, imm});
    }
}
