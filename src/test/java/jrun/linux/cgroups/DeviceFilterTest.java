package jrun.linux.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import jrun.spec.Json;

class DeviceFilterTest {
    /** Runs the program's subset of eBPF on one bpf_cgroup_dev_ctx (test oracle). */
    static int run(byte[] prog, int type, int access, int major, int minor) {
        ByteBuffer p = ByteBuffer.wrap(prog).order(ByteOrder.nativeOrder());
        long[] r = new long[11];
        int[] ctx = {access << 16 | type, major, minor};
        int pc = 0, n = prog.length / 8;
        for (int steps = 0; steps < 10000; steps++) {
            if (pc < 0 || pc >= n) throw new AssertionError("pc out of range: " + pc);
            int op = p.get(pc * 8) & 0xff, regs = p.get(pc * 8 + 1) & 0xff, dst = regs & 15, src = regs >> 4;
            short off = p.getShort(pc * 8 + 2);
            int imm = p.getInt(pc * 8 + 4);
            pc++;
            switch (op) {
                case DeviceFilter.LDX_MEM_W -> {
                    if (src != 1 || off % 4 != 0 || off < 0 || off > 8) throw new AssertionError("bad load");
                    r[dst] = Integer.toUnsignedLong(ctx[off / 4]);
                }
                case DeviceFilter.ALU32_MOV_X -> r[dst] = r[src] & 0xffffffffL;
                case DeviceFilter.ALU32_AND_K -> r[dst] = (r[dst] & imm) & 0xffffffffL;
                case DeviceFilter.ALU32_RSH_K -> r[dst] = (r[dst] & 0xffffffffL) >>> imm;
                case DeviceFilter.MOV64_K -> r[dst] = imm;
                case DeviceFilter.JNE_K -> pc += r[dst] != (long) imm ? off : 0;
                case DeviceFilter.JEQ_K -> pc += r[dst] == (long) imm ? off : 0;
                case DeviceFilter.EXIT -> { return (int) r[0]; }
                default -> throw new AssertionError("unexpected opcode " + Integer.toHexString(op));
            }
        }
        throw new AssertionError("no exit");
    }

    /** The verifier refuses unreachable instructions and jumps out of the program. */
    static void assertAllReachable(byte[] prog) {
        ByteBuffer p = ByteBuffer.wrap(prog).order(ByteOrder.nativeOrder());
        int n = prog.length / 8;
        boolean[] seen = new boolean[n];
        java.util.ArrayDeque<Integer> work = new java.util.ArrayDeque<>(List.of(0));
        while (!work.isEmpty()) {
            int pc = work.pop();
            if (pc < 0 || pc >= n) throw new AssertionError("jump out of the program to " + pc);
            if (seen[pc]) continue;
            seen[pc] = true;
            int op = p.get(pc * 8) & 0xff;
            if (op == DeviceFilter.EXIT) continue;
            work.push(pc + 1);
            if (op == DeviceFilter.JNE_K || op == DeviceFilter.JEQ_K) work.push(pc + 1 + p.getShort(pc * 8 + 2));
        }
        for (int i = 0; i < n; i++) if (!seen[i]) throw new AssertionError("unreachable insn " + i);
    }

    /** v1 semantics: the last rule that matches decides; none matching means deny. */
    static int reference(List<DeviceRule> rules, int type, int access, int major, int minor) {
        int result = 0;
        for (DeviceRule r : rules) {
            boolean typeOk = r.type() == 'a' || (r.type() == 'b' ? 1 : 2) == type;
            int mask = (r.access().contains("m") ? 1 : 0) | (r.access().contains("r") ? 2 : 0) | (r.access().contains("w") ? 4 : 0);
            boolean accessOk = (access & ~mask) == 0;
            boolean numOk = r.type() == 'a' || ((r.major() < 0 || r.major() == major) && (r.minor() < 0 || r.minor() == minor));
            if (typeOk && accessOk && numOk) result = r.allow() ? 1 : 0;
        }
        return result;
    }

    @Test
    void ociDefaultDevicesList() {
        List<DeviceRule> rules = rules("""
            [{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":3,"access":"rwm"},
             {"allow":true,"type":"c","major":1,"minor":5,"access":"r"},{"allow":true,"type":"c","major":136,"access":"rwm"}]""");
        byte[] prog = DeviceFilter.compile(rules);
        assertAllReachable(prog);
        assertEquals(1, run(prog, 2, 2 | 4, 1, 3));  // /dev/null rw
        assertEquals(1, run(prog, 2, 2, 1, 5));      // /dev/zero r
        assertEquals(0, run(prog, 2, 4, 1, 5));      // /dev/zero w
        assertEquals(1, run(prog, 2, 2, 136, 7));    // a pty
        assertEquals(0, run(prog, 1, 2, 1, 3));      // block 1:3
        assertEquals(0, run(prog, 2, 2, 5, 0));      // /dev/tty
    }

    @Test
    void agreesWithLastMatchWinsOnRandomRules() {
        Random rnd = new Random(3);
        String[] types = {"a", "c", "b"}, acc = {"r", "w", "m", "rw", "rm", "wm", "rwm"};
        for (int round = 0; round < 300; round++) {
            List<DeviceRule> rules = new ArrayList<>();
            for (int i = rnd.nextInt(8); i >= 0; i--) {
                rules.add(new DeviceRule(rnd.nextBoolean(), types[rnd.nextInt(3)].charAt(0), rnd.nextInt(4) - 1, rnd.nextInt(4) - 1,
                        acc[rnd.nextInt(acc.length)]));
            }
            byte[] prog = DeviceFilter.compile(rules);
            assertAllReachable(prog);
            for (int type = 1; type <= 2; type++) for (int access = 1; access <= 7; access++)
                for (int major = 0; major < 3; major++) for (int minor = 0; minor < 3; minor++) {
                    assertEquals(reference(rules, type, access, major, minor), run(prog, type, access, major, minor),
                            rules + " type=" + type + " access=" + access + " " + major + ":" + minor);
                }
        }
    }

    @SuppressWarnings("unchecked")
    static List<DeviceRule> rules(String json) {
        return DeviceFilter.rules((List<Object>) Json.parse(json), "linux.resources.devices");
    }
}
