package jrun.linux.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jrun.spec.Json;

/** Every operator against a plain-Java unsigned comparison, on values around the 32-bit halves. */
class ArgCompareTest {
    static final long[] VALUES = {0, 1, 2, 0x7fffffffL, 0x80000000L, 0xfffffffeL, 0xffffffffL, 0x100000000L,
            0x100000001L, 0x1ffffffffL, 0x200000000L, 0x7fffffffffffffffL, 0x8000000000000000L,
            0xffffffff00000000L, 0xfffffffffffffffeL, -1L, 0x123456789abcdef0L};
    static final int ALLOW = 0x7fff0000, DENY = 0x00050000 | 13;
    static final int GETPID_64 = 39, GETPID_32 = 20;

    @Test
    void everyOperatorOn64BitArguments() {
        for (String op : List.of("NE", "LT", "LE", "EQ", "GE", "GT")) {
            for (long v : VALUES) {
                byte[] prog = compile(op, v, 0, 3);
                for (long arg : VALUES) for (long d : new long[] {-1, 0, 1}) {
                    long x = arg + d;
                    boolean expected = holds(op, x, v);
                    assertEquals(expected ? ALLOW : DENY,
                            BpfInterpreter.run(prog, GETPID_64, Arch.X86_64.auditArch, 0, 0, 0, x, 0, 0),
                            op + " arg=" + Long.toHexString(x) + " value=" + Long.toHexString(v));
                }
            }
        }
    }

    @Test
    void maskedEqualOn64BitArguments() {
        for (long mask : VALUES) for (long datum : new long[] {0, 1, 0x100000000L, 0xffffffff00000001L}) {
            byte[] prog = compile("MASKED_EQ", mask, datum, 5);
            for (long arg : VALUES) {
                boolean expected = (arg & mask) == (datum & mask); // libseccomp's meaning, probed on runc
                assertEquals(expected ? ALLOW : DENY,
                        BpfInterpreter.run(prog, GETPID_64, Arch.X86_64.auditArch, 0, 0, 0, 0, 0, arg),
                        "mask=" + Long.toHexString(mask) + " datum=" + Long.toHexString(datum) + " arg=" + Long.toHexString(arg));
            }
        }
    }

    @Test
    void thirtyTwoBitAbisCompareTheLowWord() {
        for (String op : List.of("NE", "LT", "LE", "EQ", "GE", "GT")) {
            for (long v : new long[] {0, 1, 0x7fffffffL, 0x80000000L, 0xffffffffL}) {
                byte[] prog = compile(op, v, 0, 0);
                for (long arg : new long[] {0, 1, 2, 0x7fffffffL, 0x80000000L, 0xfffffffeL, 0xffffffffL}) {
                    assertEquals(holds(op, arg, v) ? ALLOW : DENY,
                            BpfInterpreter.run(prog, GETPID_32, Arch.X86.auditArch, arg),
                            "i386 " + op + " arg=" + arg + " value=" + v);
                }
            }
        }
    }

    @Test
    void conditionsOnDifferentArgumentsAreAllRequired() {
        Map<String, Object> s = parse("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":13,"
                + "\"syscalls\":[{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
                + "{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"},{\"index\":1,\"value\":2,\"op\":\"SCMP_CMP_EQ\"}]}]}");
        byte[] prog = SeccompCompiler.compile(s, "linux.seccomp", Arch.X86_64).filter();
        assertEquals(ALLOW, BpfInterpreter.run(prog, GETPID_64, Arch.X86_64.auditArch, 1, 2));
        assertEquals(DENY, BpfInterpreter.run(prog, GETPID_64, Arch.X86_64.auditArch, 1, 3));
        assertEquals(DENY, BpfInterpreter.run(prog, GETPID_64, Arch.X86_64.auditArch, 0, 2));
    }

    @Test
    void conditionsOnTheSameArgumentAreAlternativesAsInRunc() {
        Map<String, Object> s = parse("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":13,"
                + "\"syscalls\":[{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
                + "{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"},{\"index\":0,\"value\":2,\"op\":\"SCMP_CMP_EQ\"}]}]}");
        byte[] prog = SeccompCompiler.compile(s, "linux.seccomp", Arch.X86_64).filter();
        assertEquals(ALLOW, BpfInterpreter.run(prog, GETPID_64, Arch.X86_64.auditArch, 1));
        assertEquals(ALLOW, BpfInterpreter.run(prog, GETPID_64, Arch.X86_64.auditArch, 2));
        assertEquals(DENY, BpfInterpreter.run(prog, GETPID_64, Arch.X86_64.auditArch, 3));
    }

    static boolean holds(String op, long x, long v) {
        int c = Long.compareUnsigned(x, v);
        return switch (op) {
            case "NE" -> c != 0;
            case "LT" -> c < 0;
            case "LE" -> c <= 0;
            case "EQ" -> c == 0;
            case "GE" -> c >= 0;
            case "GT" -> c > 0;
            default -> throw new IllegalArgumentException(op);
        };
    }

    static byte[] compile(String op, long value, long two, int index) {
        Map<String, Object> s = parse("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":13,"
                + "\"architectures\":[\"SCMP_ARCH_X86\"],\"syscalls\":[{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\","
                + "\"args\":[{\"index\":" + index + ",\"value\":" + Long.toUnsignedString(value) + ",\"valueTwo\":"
                + Long.toUnsignedString(two) + ",\"op\":\"SCMP_CMP_" + op + "\"}]}]}");
        return SeccompCompiler.compile(s, "linux.seccomp", Arch.X86_64).filter();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parse(String json) {
        return (Map<String, Object>) Json.parse(json);
    }
}
