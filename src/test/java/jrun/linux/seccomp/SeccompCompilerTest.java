package jrun.linux.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import jrun.JrunException;
import jrun.spec.Json;

class SeccompCompilerTest {
    static final int ALLOW = 0x7fff0000, EPERM = 0x00050001, ENOSYS = 0x00050026, KILL_THREAD = 0;
    static final int X86_64 = 0xC000003E, I386 = 0x40000003, AARCH64 = 0xC00000B7;
    static final long CLONE_NEWUSER = 0x10000000L, SIGCHLD = 17;

    @Test
    void dockerDefaultProfileKnownAnswers() throws IOException {
        SeccompProgram p = SeccompCompiler.compile(profile("docker-20.10.24-default.json"), "linux.seccomp", Arch.X86_64);
        byte[] f = p.filter();
        // x86_64 numbers from the kernel's syscall_64.tbl
        assertEquals(ALLOW, run(f, X86_64, 0));                        // read
        assertEquals(EPERM, run(f, X86_64, 165));                      // mount: not in the profile
        assertEquals(EPERM, run(f, X86_64, 272));                      // unshare
        assertEquals(ALLOW, run(f, X86_64, 56, SIGCHLD));              // clone for fork
        assertEquals(EPERM, run(f, X86_64, 56, CLONE_NEWUSER | SIGCHLD)); // clone with a new user ns
        assertEquals(ENOSYS, run(f, X86_64, 435));                     // clone3: errnoRet 38 in the profile
        assertEquals(ALLOW, run(f, X86_64, 135, 8));                   // personality(PER_LINUX32)
        assertEquals(ALLOW, run(f, X86_64, 135, 0xffffffffL));         // personality query
        assertEquals(EPERM, run(f, X86_64, 135, 1));
        assertEquals(EPERM, run(f, X86_64, 135, 0x1ffffffffL));        // only the low word matches 0xffffffff
        assertEquals(ENOSYS, run(f, X86_64, 600));                     // above every syscall the profile names
        // i386 numbers (syscall_32.tbl): socketcall 102, personality 136, clone 120
        assertEquals(ALLOW, run(f, I386, 102));
        assertEquals(ALLOW, run(f, I386, 136, 0xffffffffL));
        assertEquals(EPERM, run(f, I386, 120, CLONE_NEWUSER));
        assertEquals(EPERM, run(f, I386, 21));                         // mount
        // x32: read is 0x40000000, its execve 0x40000208, mount 0x400000a5
        assertEquals(ALLOW, run(f, X86_64, 0x40000000));
        assertEquals(ALLOW, run(f, X86_64, 0x40000208));
        assertEquals(EPERM, run(f, X86_64, 0x400000a5));
        // an architecture the filter does not cover
        assertEquals(KILL_THREAD, run(f, AARCH64, 63));
        assertTrue(p.length() < 1024, "Docker's profile is " + p.length() + " instructions");
        assertEquals(0, p.flags());
        // recv and send exist only as socketcall(2) calls on i386, which the profile covers
        assertEquals(List.of(), p.warnings());
    }

    @Test
    void profilesAgreeWithTheReferenceModelOnEverySyscallNumber() throws IOException {
        Random rnd = new Random(42);
        for (String name : List.of("docker-20.10.24-default.json", "podman-4.3.1-default.json")) {
            Map<String, Object> s = profile(name);
            byte[] f = SeccompCompiler.compile(s, "linux.seccomp", Arch.X86_64).filter();
            ReferenceModel ref = new ReferenceModel(SeccompProfile.parse(s, "linux.seccomp"), Arch.X86_64);
            for (int arch : new int[] {X86_64, I386, AARCH64}) {
                for (int nr = 0; nr < 1100; nr++) {
                    for (int base : new int[] {0, 0x40000000}) {
                        long[] args = {rnd.nextLong(), rnd.nextInt(4) == 0 ? 0 : rnd.nextLong() & 0xff, 0, 0, 0, 0};
                        assertEquals(ref.eval(arch, base + nr, args), BpfInterpreter.run(f, base + nr, arch, args),
                                name + " arch=" + Integer.toHexString(arch) + " nr=" + (base + nr));
                    }
                }
            }
        }
    }

    @Test
    void manyConditionalRulesNeedLongJumpsAndStillAgree() {
        Map<String, Object> s = parse(bigProfile(100, "\"SCMP_ARCH_X86\""));
        SeccompProgram p = SeccompCompiler.compile(s, "linux.seccomp", Arch.X86_64);
        assertTrue(p.length() > 1500, "big enough to need long jumps: " + p.length());
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(p.filter()).order(java.nio.ByteOrder.nativeOrder());
        boolean longJump = false;
        for (int i = 0; i < p.length(); i++) longJump |= bb.getShort(i * 8) == Bpf.JA;
        assertTrue(longJump, "some jump was rewritten as ja");
        ReferenceModel ref = new ReferenceModel(SeccompProfile.parse(s, "linux.seccomp"), Arch.X86_64);
        Random rnd = new Random(11);
        for (int n = 0; n < 30000; n++) {
            int arch = rnd.nextBoolean() ? X86_64 : I386;
            int nr = rnd.nextInt(470) | (rnd.nextInt(4) == 0 ? 0x40000000 : 0);
            long[] args = new long[6];
            for (int j = 0; j < 3; j++) args[j] = rnd.nextInt(3) == 0 ? rnd.nextInt(3) : rnd.nextLong() >>> rnd.nextInt(64);
            assertEquals(ref.eval(arch, nr, args), BpfInterpreter.run(p.filter(), nr, arch, args), "nr=" + nr);
        }
    }

    @Test
    void aProfileOverTheKernelLimitIsRefused() {
        JrunException e = assertThrows(JrunException.class, () -> SeccompCompiler.compile(
                parse(bigProfile(1000, "\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"")), "linux.seccomp", Arch.X86_64));
        assertTrue(e.getMessage().matches("linux\\.seccomp: the profile compiles to \\d+ BPF instructions, "
                + "more than the kernel's limit of 4096"), e.getMessage());
    }

    static String bigProfile(int count, String arches) {
        StringBuilder sb = new StringBuilder("{\"defaultAction\":\"SCMP_ACT_TRAP\",\"architectures\":[" + arches + "],\"syscalls\":[");
        String[] ops = {"NE", "LT", "LE", "EQ", "GE", "GT", "MASKED_EQ"};
        String[] acts = {"SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_LOG", "SCMP_ACT_TRACE"};
        List<String> names = SyscallTable.of(Arch.X86_64).all().keySet().stream().sorted().toList();
        Random rnd = new Random(7);
        for (int i = 0; i < Math.min(count, names.size()); i++) {
            if (i > 0) sb.append(',');
            sb.append("{\"names\":[\"").append(names.get(i)).append("\"],\"action\":\"").append(acts[i % acts.length])
                    .append("\",\"args\":[");
            for (int j = 0; j < 3; j++) {
                if (j > 0) sb.append(',');
                sb.append("{\"index\":").append(j).append(",\"value\":").append(Long.toUnsignedString(rnd.nextLong() >>> rnd.nextInt(64)))
                        .append(",\"valueTwo\":").append(rnd.nextInt(3)).append(",\"op\":\"SCMP_CMP_").append(ops[rnd.nextInt(ops.length)]).append("\"}");
            }
            sb.append("]}");
        }
        sb.append("]}");
        return sb.toString();
    }

    @Test
    void allowDefaultHasNoEnosysStubAndSameAsDefaultRulesAreDropped() {
        Map<String, Object> s = parse("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
                + "{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":99},"
                + "{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\"},"
                + "{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_KILL_PROCESS\"}]}");
        byte[] f = SeccompCompiler.compile(s, "linux.seccomp", Arch.X86_64).filter();
        assertEquals(0x00050000 | 99, run(f, X86_64, 165));
        assertEquals(0x80000000, run(f, X86_64, 62));
        assertEquals(ALLOW, run(f, X86_64, 600));
        assertEquals(ALLOW, run(f, X86_64, 39));
        assertEquals(KILL_THREAD, run(f, X86_64, 0x40000000)); // x32 not listed: bad arch
    }

    @Test
    void runcEnosysStubOnlyForListedArches() {
        String rules = "\"syscalls\":[{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\"}]}";
        byte[] listed = SeccompCompiler.compile(parse("{\"defaultAction\":\"SCMP_ACT_KILL_PROCESS\",\"architectures\":[\"SCMP_ARCH_X86_64\"]," + rules), "s", Arch.X86_64).filter();
        assertEquals(ENOSYS, run(listed, X86_64, 40));
        assertEquals(0x80000000, run(listed, X86_64, 38));
        byte[] unlisted = SeccompCompiler.compile(parse("{\"defaultAction\":\"SCMP_ACT_KILL_PROCESS\"," + rules), "s", Arch.X86_64).filter();
        assertEquals(0x80000000, run(unlisted, X86_64, 40));
        byte[] errnoRet = SeccompCompiler.compile(parse("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,\"architectures\":[\"SCMP_ARCH_X86_64\"]," + rules), "s", Arch.X86_64).filter();
        assertEquals(ENOSYS, run(errnoRet, X86_64, 40)); // runc 1.1.5 patches with defaultErrnoRet too
    }

    @Test
    void aRuleWithoutConditionsOverridesConditionalOnesAsInLibseccomp() {
        byte[] f = SeccompCompiler.compile(parse("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
                + "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":7,\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]},"
                + "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":5}]}"), "s", Arch.X86_64).filter();
        assertEquals(0x00050005, run(f, X86_64, 110, 1));
        assertEquals(0x00050005, run(f, X86_64, 110, 2));
    }

    @Test
    void i386SocketAndIpcCallsAreAlsoFilteredThroughTheirMultiplexers() {
        byte[] f = SeccompCompiler.compile(parse("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86\"],\"syscalls\":["
                + "{\"names\":[\"socket\",\"bind\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":33},"
                + "{\"names\":[\"msgget\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":35}]}"), "s", Arch.X86_64).filter();
        // i386: socketcall 102 (SYS_SOCKET 1, SYS_BIND 2, SYS_ACCEPT 5), ipc 117 (MSGGET 13), socket 359, msgget 399
        assertEquals(0x00050021, run(f, I386, 102, 1));
        assertEquals(0x00050021, run(f, I386, 102, 2));
        assertEquals(ALLOW, run(f, I386, 102, 5));
        assertEquals(0x00050021, run(f, I386, 359));
        assertEquals(0x00050023, run(f, I386, 117, 13));
        assertEquals(ALLOW, run(f, I386, 117, 1));
        assertEquals(0x00050023, run(f, I386, 399));
        assertEquals(0x00050021, run(f, X86_64, 41)); // and x86_64's own socket
    }

    @Test
    void everyActionEncodesAsInLinuxSeccompH() {
        String[][] cases = {{"SCMP_ACT_KILL", "0"}, {"SCMP_ACT_KILL_THREAD", "0"}, {"SCMP_ACT_KILL_PROCESS", "80000000"},
                {"SCMP_ACT_TRAP", "30000"}, {"SCMP_ACT_ERRNO", "50001"}, {"SCMP_ACT_TRACE", "7ff00001"},
                {"SCMP_ACT_LOG", "7ffc0000"}, {"SCMP_ACT_NOTIFY", "7fc00000"}};
        for (String[] c : cases) {
            Map<String, Object> s = parse("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/run/l.sock\",\"syscalls\":["
                    + "{\"names\":[\"getpid\"],\"action\":\"" + c[0] + "\"}]}");
            assertEquals(Integer.parseUnsignedInt(c[1], 16), run(SeccompCompiler.compile(s, "s", Arch.X86_64).filter(), X86_64, 39), c[0]);
        }
        Map<String, Object> s = parse("{\"defaultAction\":\"SCMP_ACT_TRACE\",\"defaultErrnoRet\":5,\"syscalls\":[]}");
        assertEquals(0x7ff00005, run(SeccompCompiler.compile(s, "s", Arch.X86_64).filter(), X86_64, 39));
        s = parse("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,\"syscalls\":[]}");
        assertEquals(ENOSYS, run(SeccompCompiler.compile(s, "s", Arch.X86_64).filter(), X86_64, 39));
    }

    @Test
    void flagsAndListener() {
        Map<String, Object> s = parse("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/run/agent.sock\",\"listenerMetadata\":\"m\","
                + "\"flags\":[\"SECCOMP_FILTER_FLAG_TSYNC\",\"SECCOMP_FILTER_FLAG_LOG\",\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\",\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"],"
                + "\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}");
        SeccompProgram p = SeccompCompiler.compile(s, "linux.seccomp", Arch.X86_64);
        assertEquals(2 | 4 | 8 | 32, p.flags());
        assertTrue(p.needsListener());
        assertEquals("/run/agent.sock", p.listenerPath());
        assertEquals("m", p.listenerMetadata());
    }

    @Test
    void unknownSyscallNamesAreIgnoredWithAWarning() {
        Map<String, Object> s = parse("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"getpid\",\"no_such_call\"],\"action\":\"SCMP_ACT_ALLOW\"}]}");
        SeccompProgram p = SeccompCompiler.compile(s, "linux.seccomp", Arch.X86_64);
        assertEquals(List.of("linux.seccomp.syscalls[0]: unknown syscall \"no_such_call\" ignored, as runc does"), p.warnings());
        assertEquals(ALLOW, run(p.filter(), X86_64, 39));
    }

    @Test
    void errorsNameTheJsonPath() {
        assertError("{\"syscalls\":[]}", "linux.seccomp.defaultAction: required");
        assertError("{\"defaultAction\":\"SCMP_ACT_NOPE\"}", "linux.seccomp.defaultAction: unknown seccomp action \"SCMP_ACT_NOPE\"");
        assertError("{\"defaultAction\":\"SCMP_ACT_NOTIFY\"}", "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
        assertError("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_Z80\"]}",
                "linux.seccomp.architectures[0]: unknown architecture \"SCMP_ARCH_Z80\"");
        assertError("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_X\"]}",
                "linux.seccomp.flags[0]: unknown seccomp flag \"SECCOMP_FILTER_FLAG_X\"");
        assertError("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"write\"],\"action\":\"SCMP_ACT_NOTIFY\"}],\"listenerPath\":\"/x\"}",
                "linux.seccomp.syscalls[0]: SCMP_ACT_NOTIFY cannot be used for the write syscall");
        assertError("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
                "linux.seccomp.listenerPath: required when a rule uses SCMP_ACT_NOTIFY");
        assertError("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_LOG\",\"errnoRet\":1}]}",
                "linux.seccomp.syscalls[0].errnoRet: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno, not SCMP_ACT_LOG");
        assertError("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
                "linux.seccomp.syscalls[0].args[0].index: syscalls have arguments 0 to 5, not 6");
        assertError("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":-1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
                "linux.seccomp.syscalls[0].args[0].value: expected an unsigned 64-bit integer, found -1");
        assertError("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_SORTA\"}]}]}",
                "linux.seccomp.syscalls[0].args[0].op: unknown operator \"SCMP_CMP_SORTA\"");
        assertError("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[],\"action\":\"SCMP_ACT_ERRNO\"}]}",
                "linux.seccomp.syscalls[0].names: required, at least one syscall name");
        assertError("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
                + "{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":7,\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]},"
                + "{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":8,\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
                "linux.seccomp.syscalls[1]: getpid has the same argument conditions as (the start of) linux.seccomp.syscalls[0] but another action (libseccomp refuses this)");
        // a rule whose conditions begin an earlier rule's: refused; the other way round is fine (as in runc)
        String a0 = "{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}", a1 = "{\"index\":1,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}";
        assertError("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
                + "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":34,\"args\":[" + a0 + "," + a1 + "]},"
                + "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":35,\"args\":[" + a0 + "]}]}",
                "linux.seccomp.syscalls[1]: getppid has the same argument conditions as (the start of) linux.seccomp.syscalls[0] but another action (libseccomp refuses this)");
        byte[] f = SeccompCompiler.compile(parse("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
                + "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":35,\"args\":[" + a0 + "]},"
                + "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":34,\"args\":[" + a0 + "," + a1 + "]}]}"), "s", Arch.X86_64).filter();
        assertEquals(0x00050023, run(f, X86_64, 110, 1, 1)); // runc: 35
        assertError("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":70000}",
                "linux.seccomp.defaultErrnoRet: an errno is at most 65535, not 70000");
    }

    static void assertError(String json, String message) {
        JrunException e = assertThrows(JrunException.class, () -> SeccompCompiler.compile(parse(json), "linux.seccomp", Arch.X86_64));
        assertEquals(message, e.getMessage());
    }

    static int run(byte[] f, int arch, int nr, long... args) {
        return BpfInterpreter.run(f, nr, arch, args);
    }

    static Map<String, Object> profile(String name) throws IOException {
        try (InputStream in = SeccompCompilerTest.class.getResourceAsStream("/jrun/linux/seccomp/" + name)) {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parse(String json) {
        return (Map<String, Object>) Json.parse(json);
    }
}
