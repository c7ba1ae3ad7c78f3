package jrun.linux.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jrun.spec.Json;
import jrun.testing.Cmd;
import jrun.testing.Require;

/**
 * Loads compiled filters into the real kernel with a small static probe (src/test/c), and
 * compares Docker's and Podman's default profiles syscall by syscall with runc 1.1 applying the
 * same profile to the same probe in the same kind of container.
 */
class SeccompKernelIT {
    static Path probe;
    /**
     * Whether this kernel runs i386 syscalls (int $0x80). Without IA32 emulation (not built in,
     * ia32_emulation=off, or turned off by the hypervisor as on this kind of machine) int $0x80
     * faults with SIGSEGV before any filter sees it, so the i386 entries ("iNR") compare nothing
     * here; SeccompCompilerTest checks them against its BPF interpreter. Decided by the probe
     * itself, with no filter loaded: a fact of the kernel, not of jrun.
     */
    static boolean ia32;

    @BeforeAll
    static void buildProbe() throws Exception {
        Path home = Path.of(System.getProperty("jrun.home", "."));
        Path dir = Files.createDirectories(home.resolve("target/it-seccomp"));
        probe = dir.resolve("seccomp-probe");
        run(List.of("gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-static", "-o", probe.toString(),
                home.resolve("src/test/c/seccomp-probe.c").toString()), 60);
        String getpid = run(List.of(probe.toString(), "calls", "i20"), 30);
        ia32 = switch (getpid) {
            case "i20 ret=1 errno=0\n" -> true;
            case "i20 signal=11\n" -> false;
            default -> throw new AssertionError("an unfiltered int $0x80 getpid neither ran nor faulted: " + getpid);
        };
    }

    /** Each i386 line is what this kernel makes of int $0x80: a fault before the filter without IA32 emulation, never with it. */
    static void i386AsTheKernelRunsIt(String out) {
        for (String line : out.split("\n")) {
            if (line.startsWith("i")) assertEquals(!ia32, line.endsWith(" signal=11"), (ia32 ? "IA32 emulation on: " : "no IA32 emulation: ") + line);
        }
    }

    @Test
    void everyActionAndComparisonAsTheKernelApplies(@TempDir Path dir) throws Exception {
        Map<String, Object> s = parse("""
            {"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86","SCMP_ARCH_X32"],
             "flags":["SECCOMP_FILTER_FLAG_LOG","SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
             "syscalls":[
              {"names":["getppid"],"action":"SCMP_ACT_ERRNO","errnoRet":42},
              {"names":["uname"],"action":"SCMP_ACT_KILL_PROCESS"},
              {"names":["getuid"],"action":"SCMP_ACT_TRAP"},
              {"names":["gettid"],"action":"SCMP_ACT_KILL_THREAD"},
              {"names":["sched_yield"],"action":"SCMP_ACT_TRACE","errnoRet":5},
              {"names":["getcwd"],"action":"SCMP_ACT_LOG"},
              {"names":["socketcall"],"action":"SCMP_ACT_ERRNO","errnoRet":61},
              {"names":["mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":7,"args":[{"index":2,"value":511,"op":"SCMP_CMP_GT"}]},
              {"names":["lseek"],"action":"SCMP_ACT_ERRNO","errnoRet":33,"args":[{"index":1,"value":4294967296,"op":"SCMP_CMP_EQ"}]},
              {"names":["dup3"],"action":"SCMP_ACT_ERRNO","errnoRet":34,"args":[{"index":2,"value":524288,"valueTwo":524288,"op":"SCMP_CMP_MASKED_EQ"}]},
              {"names":["fchdir"],"action":"SCMP_ACT_ERRNO","errnoRet":35,"args":[{"index":0,"value":18446744073709551615,"op":"SCMP_CMP_LT"},{"index":1,"value":7,"op":"SCMP_CMP_NE"}]}
             ]}""");
        SeccompProgram p = SeccompCompiler.compile(s, "linux.seccomp");
        Path filter = Files.write(dir.resolve("filter.bpf"), p.filter());
        String out = run(List.of(probe.toString(), "load", filter.toString(), Long.toString(p.flags()), probe.toString(), "calls",
                "110", "i64", "0x4000006e", "63", "102", "186", "24", "79,0,0", "i102,-1",
                "258,-1,0,0x200", "258,-1,0,0x1ff", "8,-1,0x100000000,0", "8,-1,0,0", "8,-1,0x200000000,0",
                "292,-1,5000,0x80000", "292,-1,5000,0", "81,-1,0", "81,-1,7"), 30);
        assertEquals(String.join("\n",
                "110 ret=-1 errno=42",          // ERRNO with errnoRet
                ia32 ? "i64 ret=-1 errno=42" : "i64 signal=11", // the same rule on the i386 entry (or its fault)
                "0x4000006e ret=-1 errno=42",   // ... and on x32's, before the kernel's own ENOSYS
                "63 signal=31",                 // KILL_PROCESS: SIGSYS
                "102 signal=31",                // TRAP: SIGSYS, unhandled
                "186 signal=31",                // KILL_THREAD: the only thread
                "24 ret=-1 errno=38",           // TRACE with no tracer attached: the kernel says ENOSYS
                "79,0,0 ret=-1 errno=34",       // LOG lets getcwd(NULL, 0) through: ERANGE
                ia32 ? "i102,-1 ret=-1 errno=61" : "i102,-1 signal=11", // socketcall exists only on i386
                "258,-1,0,0x200 ret=-1 errno=7",  // mode > 0777
                "258,-1,0,0x1ff ret=-1 errno=14", // allowed: EFAULT for the NULL path
                "8,-1,0x100000000,0 ret=-1 errno=33", // 64-bit EQ on the high word
                "8,-1,0,0 ret=-1 errno=9",
                "8,-1,0x200000000,0 ret=-1 errno=9",
                "292,-1,5000,0x80000 ret=-1 errno=34", // MASKED_EQ on O_CLOEXEC
                "292,-1,5000,0 ret=-1 errno=9",
                "81,-1,0 ret=-1 errno=9",        // fd -1 is not LT 2^64-1: both conditions needed
                "81,-1,7 ret=-1 errno=9") + "\n", out);
    }

    @Test
    void notifyFilterGivesAListenerFd(@TempDir Path dir) throws Exception {
        Map<String, Object> s = parse("""
            {"defaultAction":"SCMP_ACT_ALLOW","listenerPath":"/run/agent.sock",
             "flags":["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"],
             "syscalls":[{"names":["mkdirat"],"action":"SCMP_ACT_NOTIFY"}]}""");
        SeccompProgram p = SeccompCompiler.compile(s, "linux.seccomp");
        Path filter = Files.write(dir.resolve("filter.bpf"), p.filter());
        Cmd.Result r = Cmd.run(List.of(probe.toString(), "load", filter.toString(), Long.toString(p.flags()),
                probe.toString(), "calls", "110"), null, Map.of(), 30);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.err().matches("(?s)listener fd \\d+\\n"), r.err());
        assertEquals("110 ret=1 errno=0\n", r.out());
    }

    // Harmless calls: bad fds and NULL pointers, inside a container's namespaces.
    static final List<String> SPECS = List.of("0,-1,0,0", "39", "110", "165", "272,0x10000000", "56,0x10000011", "56,0x11",
            "435", "135,0xffffffff", "135,1", "135,8", "169", "321,-1", "298", "101,-1", "155", "139", "400",
            "446", "447", "448", "449", "450", "451", "452", "600", "1000",
            "i20", "i21", "i102,-1", "i136,0xffffffff", "i136,3", "i120,0x10000000", "i26,-1", "i450", "i451", "i500",
            "0x40000027", "0x400000a5", "0x40000208", "0x40000400",
            "41,16,3,9", "41,16,3,0", "41,2,1,9", "41,2,1,0", "i359,16,3,9", "i359,2,1,0");

    @Test
    void dockerAndPodmanDefaultsMatchRunc(@TempDir Path dir) throws Exception {
        Require.root("runc needs root here");
        for (String name : List.of("docker-20.10.24-default.json", "podman-4.3.1-default.json")) {
            Map<String, Object> profile = SeccompCompilerTest.profile(name);
            SeccompProgram p = SeccompCompiler.compile(profile, "linux.seccomp");
            Path bundle = bundle(dir.resolve(name.substring(0, 6)), p.filter());
            List<String> calls = new ArrayList<>(List.of("/probe", "calls"));
            calls.addAll(SPECS);
            String byRunc = runc(bundle, calls, profile);
            List<String> ours = new ArrayList<>(List.of("/probe", "load", "/filter.bpf", Long.toString(p.flags())));
            ours.addAll(calls);
            String byJrun = runc(bundle, ours, null);
            String none = runc(bundle, calls, null);
            for (String out : List.of(byRunc, byJrun, none)) i386AsTheKernelRunsIt(out);
            assertEquals(byRunc, byJrun, name + ": runc's filter and ours disagree");
            assertNotEquals(none, byJrun, name + ": the filter made no difference");
            // known answers, so agreement is not vacuous: Docker refuses mount with EPERM; Podman
            // (defaultErrnoRet ENOSYS) refuses personality(1) with ENOSYS though the kernel allows it
            String refused = name.startsWith("docker") ? "\n165 ret=-1 errno=1\n" : "\n135,1 ret=-1 errno=38\n";
            assertTrue(byJrun.contains(refused), name + ": expected" + refused + "in\n" + byJrun);
            if (name.startsWith("podman")) { // its rule: no NETLINK_AUDIT sockets (EINVAL)
                assertTrue(byJrun.contains("\n41,16,3,9 ret=-1 errno=22\n"), byJrun);
            }
            assertTrue(byJrun.contains("\n1000 ret=-1 errno=38\n"), byJrun);
        }
    }

    /** Profiles that probe libseccomp's corner cases; each must give the same answers as runc. */
    static final List<String> TRICKY = List.of(
        // no x86 or x32 listed; conditional and unconditional rules on one syscall, both orders;
        // DOCKER_ALLOW is Docker's allow list without the syscalls probed here
        """
        {"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":13,"syscalls":[
         {"names":[DOCKER_ALLOW],"action":"SCMP_ACT_ALLOW"},
         {"names":["getppid"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ"}]},
         {"names":["getppid"],"action":"SCMP_ACT_ERRNO","errnoRet":5},
         {"names":["lseek"],"action":"SCMP_ACT_ERRNO","errnoRet":6},
         {"names":["lseek"],"action":"SCMP_ACT_ERRNO","errnoRet":7,"args":[{"index":2,"value":1,"op":"SCMP_CMP_EQ"}]},
         {"names":["dup3"],"action":"SCMP_ACT_ERRNO","errnoRet":8,"args":[{"index":1,"value":4294967296,"op":"SCMP_CMP_GE"}]},
         {"names":["dup3"],"action":"SCMP_ACT_ERRNO","errnoRet":9,"args":[{"index":2,"value":1,"op":"SCMP_CMP_LE"}]},
         {"names":["fchdir"],"action":"SCMP_ACT_ERRNO","errnoRet":10,"args":[{"index":0,"value":5,"op":"SCMP_CMP_GT"},{"index":0,"value":100,"op":"SCMP_CMP_LT"}]},
         {"names":["fchown"],"action":"SCMP_ACT_ERRNO","errnoRet":20,"args":[{"index":0,"value":5,"op":"SCMP_CMP_GT"}]},
         {"names":["fchown"],"action":"SCMP_ACT_ERRNO","errnoRet":21,"args":[{"index":0,"value":100,"op":"SCMP_CMP_LT"}]},
         {"names":["fchmod"],"action":"SCMP_ACT_ERRNO","errnoRet":22,"args":[{"index":0,"value":100,"op":"SCMP_CMP_LT"}]},
         {"names":["fchmod"],"action":"SCMP_ACT_ERRNO","errnoRet":23,"args":[{"index":0,"value":5,"op":"SCMP_CMP_GT"}]},
         {"names":["flock"],"action":"SCMP_ACT_ERRNO","errnoRet":24,"args":[{"index":1,"value":1,"op":"SCMP_CMP_LE"}]},
         {"names":["flock"],"action":"SCMP_ACT_ERRNO","errnoRet":25,"args":[{"index":0,"value":4294967296,"op":"SCMP_CMP_GE"}]},
         {"names":["fsync"],"action":"SCMP_ACT_ERRNO","errnoRet":26,"args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ"},{"index":1,"value":2,"op":"SCMP_CMP_EQ"}]},
         {"names":["fsync"],"action":"SCMP_ACT_ERRNO","errnoRet":27,"args":[{"index":1,"value":2,"op":"SCMP_CMP_EQ"}]},
         {"names":["fdatasync"],"action":"SCMP_ACT_ERRNO","errnoRet":28,"args":[{"index":1,"value":2,"op":"SCMP_CMP_EQ"}]},
         {"names":["fdatasync"],"action":"SCMP_ACT_ERRNO","errnoRet":29,"args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ"},{"index":1,"value":2,"op":"SCMP_CMP_EQ"}]}
        ]}""",
        // 64-bit comparisons whose high words differ: libseccomp 2.5.4 gets these right, so must we
        """
        {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[
         {"names":["getppid"],"action":"SCMP_ACT_ERRNO","errnoRet":5,"args":[{"index":0,"value":4294967301,"op":"SCMP_CMP_GT"}]},
         {"names":["getpid"],"action":"SCMP_ACT_ERRNO","errnoRet":6,"args":[{"index":0,"value":4294967301,"op":"SCMP_CMP_GE"}]},
         {"names":["getpgid"],"action":"SCMP_ACT_ERRNO","errnoRet":7,"args":[{"index":0,"value":4294967301,"op":"SCMP_CMP_LT"}]},
         {"names":["getuid"],"action":"SCMP_ACT_ERRNO","errnoRet":8,"args":[{"index":0,"value":4294967301,"op":"SCMP_CMP_LE"}]},
         {"names":["getgid"],"action":"SCMP_ACT_ERRNO","errnoRet":9,"args":[{"index":0,"value":4294967301,"op":"SCMP_CMP_NE"}]},
         {"names":["geteuid"],"action":"SCMP_ACT_ERRNO","errnoRet":10,"args":[{"index":0,"value":4294967295,"op":"SCMP_CMP_MASKED_EQ","valueTwo":5}]}
        ]}""",
        // i386 socketcall(2)/ipc(2) multiplexing, plain and with conditions the multiplexer cannot see
        """
        {"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86"],"syscalls":[
         {"names":["socket","bind"],"action":"SCMP_ACT_ERRNO","errnoRet":33},
         {"names":["connect"],"action":"SCMP_ACT_ERRNO","errnoRet":34,"args":[{"index":0,"value":2,"op":"SCMP_CMP_EQ"}]},
         {"names":["msgget","semget"],"action":"SCMP_ACT_ERRNO","errnoRet":35}
        ]}""",
        // the same without defaultErrnoRet, and still no architectures: no ENOSYS stub either
        """
        {"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
         {"names":[DOCKER_ALLOW],"action":"SCMP_ACT_ALLOW"},
         {"names":["getppid"],"action":"SCMP_ACT_ERRNO","errnoRet":5}
        ]}""",
        // x86 and x32 listed, KILL_PROCESS default
        """
        {"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86","SCMP_ARCH_X32"],"syscalls":[
         {"names":["getppid"],"action":"SCMP_ACT_ERRNO","errnoRet":11,"args":[{"index":0,"value":4294967297,"op":"SCMP_CMP_EQ"}]},
         {"names":["personality"],"action":"SCMP_ACT_ERRNO","errnoRet":12,"args":[{"index":0,"value":4294967295,"op":"SCMP_CMP_MASKED_EQ","valueTwo":8}]},
         {"names":["mkdir","mkdirat"],"action":"SCMP_ACT_KILL_PROCESS"},
         {"names":["chdir"],"action":"SCMP_ACT_TRAP"}
        ]}""");

    static final List<String> TRICKY_SPECS = List.of("110", "110,1", "110,2", "8,-1,0,0", "8,-1,0,1", "8,-1,0,2",
            "292,-1,5000,0", "292,-1,5000,2", "292,-1,0x100000000,2", "81,5", "81,6", "81,99", "81,100",
            "i64", "i64,1", "i19,-1,0,0", "0x4000006e", "0x40000008,-1,0,1", "i136,8", "i136,0x108", "135,8", "135,0x100000008",
            "0x40000087,8", "i39", "83", "258", "0x40000053", "80,0", "i12,0", "600", "0x40000400", "i450",
            "93,2", "93,200", "91,2", "91,200", "73,0x100000000,2", "73,2,0", "74,0,2", "75,0,2",
            "110,0x100000004", "110,0x100000006", "110,0x200000000", "110,0x6", "39,0x100000005", "39,0x200000000", "39,0xffffffff",
            "121,0x100000004", "121,0x100000006", "121,0x200000000", "121,0x0", "102,0x100000005", "102,0x100000006", "102,0x5",
            "104,0x100000005", "104,0x5", "104,0x200000005", "107,0x100000005", "107,0x5", "107,0x6",
            "i102,1,0", "i102,2,0", "i102,3,0", "i102,5,0", "i102,17,0", "i359,2,1,0", "i361,-1,0,0", "i362,2,0,0",
            "i117,1,0", "i117,2,0", "i117,13,0", "i399,0,0", "i393,0,0,0");
    // Left out on purpose: arguments matching two conditional rules with different actions
    // (93,50 91,50 73,0x100000000,0 74,1,2 75,1,2 292,-1,0x100000000,0). libseccomp then picks by
    // the shape of its argument tree, not by profile order; we take the first rule in profile order.

    @Test
    @SuppressWarnings("unchecked")
    void trickyProfilesMatchRunc(@TempDir Path dir) throws Exception {
        Require.root("runc needs root here");
        List<Object> docker = (List<Object>) ((Map<String, Object>) ((List<Object>) SeccompCompilerTest
                .profile("docker-20.10.24-default.json").get("syscalls")).get(0)).get("names");
        StringBuilder allow = new StringBuilder("\"arch_prctl\",\"clone\"");
        for (Object n : docker) {
            if (List.of("getppid", "lseek", "dup3", "fchdir", "personality", "mkdir", "mkdirat", "chdir", "fchown", "fchmod",
                    "flock", "fsync", "fdatasync").contains(n)) continue;
            allow.append(allow.isEmpty() ? "" : ",").append('"').append(n).append('"');
        }
        for (int i = 0; i < TRICKY.size(); i++) {
            Map<String, Object> profile = parse(TRICKY.get(i).replace("DOCKER_ALLOW", allow));
            SeccompProgram p = SeccompCompiler.compile(profile, "linux.seccomp");
            Path bundle = bundle(dir.resolve("tricky" + i), p.filter());
            List<String> calls = new ArrayList<>(List.of("/probe", "calls"));
            calls.addAll(TRICKY_SPECS);
            String byRunc = runc(bundle, calls, profile);
            i386AsTheKernelRunsIt(byRunc);
            List<String> ours = new ArrayList<>(List.of("/probe", "load", "/filter.bpf", Long.toString(p.flags())));
            ours.addAll(calls);
            assertEquals(byRunc, runc(bundle, ours, null), "profile " + i);
        }
    }

    /**
     * Random profiles against runc: harmless syscalls, random operators and 64-bit values, random
     * architectures and default actions, unconditional rules mixed in. Left out, as known
     * libseccomp 2.5.4 differences (see SeccompCompiler): a second conditional rule on the same
     * syscall (its merged argument trees decide overlaps by shape, and get some 64-bit ranges
     * wrong: "uid >= 0x7fffffff" OR "uid < 2^32" does not match uid = 2^32 under runc 1.1.5), and
     * so also two conditions on one argument in a rule (runc splits those into separate rules).
     */
    @Test
    @SuppressWarnings("unchecked")
    void randomProfilesMatchRunc(@TempDir Path dir) throws Exception {
        Require.root("runc needs root here");
        String[] names = {"getppid", "getuid", "getgid", "geteuid", "getegid", "getpgid", "getsid", "fchdir", "fchmod",
                "fchown", "flock", "fsync", "fdatasync", "lseek", "dup", "umask"};
        int[] x64 = {110, 102, 104, 107, 108, 121, 124, 81, 91, 93, 73, 74, 75, 8, 32, 95};
        int[] i386 = {64, 24, 47, 49, 50, 132, 147, 133, 94, 95, 143, 118, 148, 19, 41, 60};
        long[] values = {0, 1, 2, 5, 0x7fffffffL, 0x80000000L, 0xffffffffL, 0x100000000L, 0x100000005L, 0xffffffff00000000L, -1L};
        String[] ops = {"EQ", "NE", "LT", "LE", "GT", "GE", "MASKED_EQ"};
        String[] actions = {"SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_TRAP", "SCMP_ACT_LOG", "SCMP_ACT_ALLOW"};
        List<Object> docker = (List<Object>) ((Map<String, Object>) ((List<Object>) SeccompCompilerTest
                .profile("docker-20.10.24-default.json").get("syscalls")).get(0)).get("names");
        java.util.Random rnd = new java.util.Random(Long.getLong("seccomp.seed", 2026));
        int rounds = Integer.getInteger("seccomp.rounds", 16), compared = 0, refusedByBoth = 0;
        for (int round = 0; round < rounds; round++) {
            StringBuilder rules = new StringBuilder();
            String lastConditional = null, lastAction = null; // a syscall's only rule with conditions (names, args), and its action
            boolean allowDefault = rnd.nextBoolean();
            if (!allowDefault) { // a working base: Docker's list without the syscalls under test
                rules.append("{\"names\":[\"arch_prctl\",\"clone\"");
                for (Object n : docker) if (!List.of(names).contains(n)) rules.append(",\"").append(n).append('"');
                rules.append("],\"action\":\"SCMP_ACT_ALLOW\"}");
            }
            for (int i = 0; i < names.length; i++) {
                if (rnd.nextInt(3) == 0) continue;
                String condAction = actions[rnd.nextInt(actions.length)];
                int errno = 10 + rnd.nextInt(50);
                boolean hadConditional = false, hadPlain = false;
                String conditionalRule = null;
                for (int r = rnd.nextInt(3); r >= 0; r--) {
                    boolean conditional = !hadConditional && rnd.nextInt(4) != 0;
                    hadConditional |= conditional;
                    hadPlain |= !conditional;
                    String action = conditional ? condAction : actions[rnd.nextInt(actions.length)];
                    rules.append(rules.isEmpty() ? "" : ",").append("{\"names\":[\"").append(names[i]).append("\"],\"action\":\"")
                            .append(action).append('"');
                    if (action.equals("SCMP_ACT_ERRNO")) rules.append(",\"errnoRet\":").append(conditional ? errno : 10 + rnd.nextInt(50));
                    if (conditional) {
                        rules.append(",\"args\":[");
                        int first = rnd.nextInt(3);
                        for (int c = rnd.nextInt(2); c >= 0; c--) {
                            String op = ops[rnd.nextInt(ops.length)];
                            rules.append("{\"index\":").append((first + c) % 3).append(",\"value\":")
                                    .append(Long.toUnsignedString(values[rnd.nextInt(values.length)])).append(",\"valueTwo\":")
                                    .append(Long.toUnsignedString(values[rnd.nextInt(values.length)])).append(",\"op\":\"SCMP_CMP_")
                                    .append(op).append("\"}").append(c > 0 ? "," : "");
                        }
                        rules.append(']');
                        conditionalRule = "\"names\":[\"" + names[i] + "\"]" + rules.substring(rules.lastIndexOf(",\"args\":["));
                    }
                    rules.append('}');
                }
                // a rule without conditions on the same syscall would absorb a conflict in libseccomp
                if (hadConditional && !hadPlain && !condAction.equals(allowDefault ? "SCMP_ACT_ALLOW" : "SCMP_ACT_ERRNO")) {
                    lastConditional = conditionalRule;
                    lastAction = condAction;
                }
            }
            // every 4th round, a conflict libseccomp refuses ("file exists"): the same conditions again
            // with another action, neither the default. jrun must refuse it, and so must runc.
            boolean conflict = round % 4 == 3 && lastConditional != null;
            if (conflict) {
                String other = lastAction.equals("SCMP_ACT_TRAP") ? "SCMP_ACT_KILL_PROCESS" : "SCMP_ACT_TRAP";
                rules.append(",{").append(lastConditional).append(",\"action\":\"").append(other).append("\"}");
            }
            List<String> arches = new ArrayList<>();
            for (String a : List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32")) if (rnd.nextBoolean()) arches.add('"' + a + '"');
            String json = "{\"defaultAction\":\"" + (allowDefault ? "SCMP_ACT_ALLOW" : "SCMP_ACT_ERRNO") + "\","
                    + (rnd.nextBoolean() && !allowDefault ? "\"defaultErrnoRet\":" + (1 + rnd.nextInt(60)) + "," : "")
                    + "\"architectures\":[" + String.join(",", arches) + "],\"syscalls\":[" + rules + "]}";
            Map<String, Object> profile = parse(json);
            SeccompProgram p;
            try {
                p = SeccompCompiler.compile(profile, "linux.seccomp");
            } catch (jrun.JrunException refused) { // a rule libseccomp refuses: runc must refuse it too
                assertTrue(conflict, "round " + round + ": jrun refuses (" + refused.getMessage() + ") " + json);
                Cmd.Result r = runcResult(bundle(dir.resolve("refused" + round), new byte[0]), List.of("/probe", "calls", "39"), profile);
                assertNotEquals(0, r.exit(), "round " + round + ": jrun refuses (" + refused.getMessage() + ") what runc runs: " + json);
                assertTrue(r.err().contains("seccomp rule"), "round " + round + ": runc refused it for another reason: " + r);
                refusedByBoth++;
                continue;
            }
            assertFalse(conflict, "round " + round + ": jrun accepts a conflict libseccomp refuses: " + json);
            List<String> specs = new ArrayList<>();
            for (int k = 0; k < 40; k++) {
                int i = rnd.nextInt(names.length);
                String a0 = Long.toUnsignedString(values[rnd.nextInt(values.length)] + rnd.nextInt(3) - 1);
                String a1 = Long.toUnsignedString(values[rnd.nextInt(values.length)] + rnd.nextInt(3) - 1);
                String a2 = Long.toUnsignedString(values[rnd.nextInt(values.length)] + rnd.nextInt(3) - 1);
                specs.add(switch (rnd.nextInt(4)) {
                    case 0 -> "i" + i386[i] + "," + a0 + "," + a1 + "," + a2;
                    case 1 -> (0x40000000 | x64[i]) + "," + a0 + "," + a1 + "," + a2;
                    default -> x64[i] + "," + a0 + "," + a1 + "," + a2;
                });
            }
            specs.add("500"); // above everything: the ENOSYS stub or not
            Path bundle = bundle(dir.resolve("random" + round), p.filter());
            List<String> calls = new ArrayList<>(List.of("/probe", "calls"));
            calls.addAll(specs);
            String byRunc = runc(bundle, calls, profile);
            i386AsTheKernelRunsIt(byRunc);
            List<String> ours = new ArrayList<>(List.of("/probe", "load", "/filter.bpf", Long.toString(p.flags())));
            ours.addAll(calls);
            assertEquals(byRunc, runc(bundle, ours, null), "round " + round + ": " + json);
            compared++;
        }
        // refused profiles compare nothing: most rounds must be compared, or the test tests little
        assertTrue(compared >= rounds * 2 / 3, compared + " of " + rounds + " random profiles compared with runc");
        assertTrue(refusedByBoth >= rounds / 8, refusedByBoth + " of " + rounds + " random profiles refused by both");
    }

    /** Profiles jrun refuses: runc 1.1.5 must refuse each too (it fails to start the container). */
    static final List<String> REFUSED = List.of(
        // libseccomp: "file exists"
        """
        {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[
         {"names":["getppid"],"action":"SCMP_ACT_ERRNO","errnoRet":5,"args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ"}]},
         {"names":["getppid"],"action":"SCMP_ACT_KILL","args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ"}]}]}""",
        """
        {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["getppid"],"action":"SCMP_ACT_NOPE"}]}""",
        """
        {"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_NOPE"],"syscalls":[{"names":["getppid"],"action":"SCMP_ACT_KILL"}]}""",
        """
        {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["getppid"],"action":"SCMP_ACT_KILL","args":[{"index":0,"value":1,"op":"SCMP_CMP_NOPE"}]}]}""",
        """
        {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["getppid"],"action":"SCMP_ACT_KILL","args":[{"index":6,"value":1,"op":"SCMP_CMP_EQ"}]}]}""",
        """
        {"defaultAction":"SCMP_ACT_ALLOW","listenerPath":"/run/agent.sock","syscalls":[{"names":["write"],"action":"SCMP_ACT_NOTIFY"}]}""",
        """
        {"defaultAction":"SCMP_ACT_NOTIFY","listenerPath":"/run/agent.sock","syscalls":[{"names":["write"],"action":"SCMP_ACT_ALLOW"}]}""",
        """
        {"defaultAction":"SCMP_ACT_ALLOW","flags":["SECCOMP_FILTER_FLAG_NOPE"],"syscalls":[{"names":["getppid"],"action":"SCMP_ACT_KILL"}]}""",
        """
        {"syscalls":[{"names":["getppid"],"action":"SCMP_ACT_KILL"}]}""");

    /** Where jrun is stricter than runc 1.1.5 on purpose: runc ignores the mistake and runs the container. */
    static final List<String> REFUSED_BY_JRUN_ONLY = List.of(
        """
        {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["getppid"],"action":"SCMP_ACT_KILL","errnoRet":5}]}""",
        """
        {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":[],"action":"SCMP_ACT_KILL"}]}""");

    @Test
    void whatJrunRefusesRuncRefuses(@TempDir Path dir) throws Exception {
        Require.root("runc needs root here");
        Path bundle = bundle(dir.resolve("b"), new byte[0]);
        for (String json : REFUSED) {
            Map<String, Object> profile = parse(json);
            jrun.JrunException refused = assertThrows(jrun.JrunException.class, () -> SeccompCompiler.compile(profile, "linux.seccomp"), json);
            Cmd.Result r = runcResult(bundle, List.of("/probe", "calls", "39"), profile);
            assertNotEquals(0, r.exit(), "jrun refuses (" + refused.getMessage() + ") what runc runs: " + json);
            assertTrue(r.err().contains("seccomp"), "runc refused it for another reason: " + r);
        }
        for (String json : REFUSED_BY_JRUN_ONLY) {
            Map<String, Object> profile = parse(json);
            assertThrows(jrun.JrunException.class, () -> SeccompCompiler.compile(profile, "linux.seccomp"), json);
            assertEquals(0, runcResult(bundle, List.of("/probe", "calls", "39"), profile).exit(), json);
        }
    }

    private static Path bundle(Path b, byte[] filter) throws Exception {
        Path rootfs = Files.createDirectories(b.resolve("rootfs/bin"));
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("busybox"));
        Files.copy(probe, b.resolve("rootfs/probe"));
        Files.write(b.resolve("rootfs/filter.bpf"), filter);
        run(List.of("runc", "spec", "--bundle", b.toString()), 30);
        return b;
    }

    private static String runc(Path bundle, List<String> args, Map<String, Object> seccomp) throws Exception {
        Cmd.Result r = runcResult(bundle, args, seccomp);
        if (r.exit() != 0) throw new AssertionError("runc run exited " + r);
        return r.out();
    }

    /** runc run of args in bundle, with the seccomp profile given (none if null), whatever its exit. */
    @SuppressWarnings("unchecked")
    private static Cmd.Result runcResult(Path bundle, List<String> args, Map<String, Object> seccomp) throws Exception {
        Json.Document doc = jrun.spec.ConfigFile.read(bundle.resolve("config.json"));
        Map<String, Object> config = (Map<String, Object>) doc.root();
        Map<String, Object> process = (Map<String, Object>) config.get("process");
        process.put("terminal", false);
        process.put("args", new ArrayList<Object>(args));
        Map<String, Object> linux = (Map<String, Object>) config.get("linux");
        if (seccomp == null) linux.remove("seccomp");
        else linux.put("seccomp", new LinkedHashMap<>(seccomp));
        Files.writeString(bundle.resolve("config.json"), Json.write(config), StandardCharsets.UTF_8);
        String id = "jrun-seccomp-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime() % 100000;
        return Cmd.run(List.of("runc", "--root", bundle.resolve("runc-root").toString(), "run", "--bundle", bundle.toString(), id),
                null, Map.of(), 60);
    }

    static String run(List<String> cmd, int timeoutSeconds) {
        Cmd.Result r = Cmd.run(cmd, null, Map.of(), timeoutSeconds);
        if (r.exit() != 0) throw new AssertionError(cmd + " exited " + r);
        return r.out();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parse(String json) {
        return (Map<String, Object>) Json.parse(json);
    }
}
