package jrun.linux.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jrun.spec.Json;
import jrun.testing.Cmd;
import jrun.testing.Require;

/**
 * Every architecture the compiler has a table for (and `features` reports), checked against
 * libseccomp 2.5, runc's filter builder, where this host's kernel cannot run it (IA32 emulation
 * is off here; aarch64, riscv64 and arm are other machines): the syscall numbers of every name,
 * and the decisions of whole filters, ours and libseccomp's (the probe
 * src/test/resources/jrun/probes/libseccomp-filter.c), run in the test's BPF interpreter for every
 * syscall number of the architecture and a set of argument values.
 */
class LibseccompAgreementTest {
    static final Map<Arch, String> TOKENS = new LinkedHashMap<>();
    static {
        TOKENS.put(Arch.X86_64, "x86_64");
        TOKENS.put(Arch.X86, "x86");
        TOKENS.put(Arch.X32, "x32");
        TOKENS.put(Arch.AARCH64, "aarch64");
        TOKENS.put(Arch.RISCV64, "riscv64");
        TOKENS.put(Arch.ARM, "arm");
    }

    static Path probe;

    @BeforeAll
    static void build(@TempDir Path dir) throws IOException {
        Require.file(Path.of("/usr/include/seccomp.h"), "libseccomp-dev");
        Path src = dir.resolve("libseccomp-filter.c");
        try (InputStream in = LibseccompAgreementTest.class.getResourceAsStream("/jrun/probes/libseccomp-filter.c")) {
            Files.copy(in, src);
        }
        probe = dir.resolve("libseccomp-filter");
        Cmd.Result r = Cmd.run("gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-include", "errno.h", "-o", probe.toString(), src.toString(), "-lseccomp");
        assertEquals(0, r.exit(), r.toString());
    }

    static byte[] runProbe(String input) throws Exception {
        Process p = new ProcessBuilder(probe.toString()).redirectError(ProcessBuilder.Redirect.PIPE).start();
        try (var out = p.getOutputStream()) {
            out.write(input.getBytes(StandardCharsets.UTF_8));
        }
        byte[] bytes = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "libseccomp-filter: " + err);
        return bytes;
    }

    @Test
    void everyArchitectureWithATableIsChecked() {
        for (Arch a : Arch.values()) assertEquals(a.hasTable(), TOKENS.containsKey(a), a.ociName);
        assertEquals(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_RISCV64"),
                SeccompFeatures.archs());
    }

    /**
     * Where the kernel's headers and libseccomp 2.5.4 name a syscall differently; nothing else may
     * differ. "name@arch: ours / libseccomp's" (-1: none; libseccomp's negative pseudo numbers
     * mean "not on this architecture"). arm's asm/unistd.h defines sync_file_range2 as another
     * name of arm_sync_file_range (341); libseccomp knows only the second on arm, so a profile
     * naming sync_file_range2 filters 341 on arm with jrun and not with runc.
     */
    static final Set<String> KNOWN = new TreeSet<>(List.of("sync_file_range2@arm: 341 / -1"));

    @Test
    void syscallNumbersAreLibseccompsOnEveryArchitecture() throws Exception {
        Set<String> diff = new TreeSet<>();
        for (Map.Entry<Arch, String> e : TOKENS.entrySet()) {
            SyscallTable t = SyscallTable.of(e.getKey());
            StringBuilder in = new StringBuilder("names ").append(e.getValue()).append('\n');
            for (String n : SyscallNames.NAMES) in.append(n).append('\n');
            for (String line : new String(runProbe(in.toString()), StandardCharsets.UTF_8).split("\n")) {
                String[] f = line.split(" ");
                long theirs = Long.parseLong(f[1]), ours = t.number(f[0]);
                // i386's socket and SysV IPC calls: libseccomp answers a pseudo number, and filters
                // both the direct call and its socketcall(2)/ipc(2) form, as ours does (the filter tests below)
                if (theirs < 0 && e.getKey() == Arch.X86 && (SyscallNames.socketcall(f[0]) > 0 || SyscallNames.ipc(f[0]) > 0)) continue;
                if (theirs < 0) theirs = -1;
                if (theirs != ours) diff.add(f[0] + "@" + e.getValue() + ": " + ours + " / " + theirs);
            }
        }
        assertEquals(KNOWN, diff);
    }

    /** The profile as probe lines: default, the architectures, one rule line per name. */
    static String probeInput(SeccompProfile p) {
        StringBuilder sb = new StringBuilder("default ").append(Integer.toHexString(p.defaultAction())).append('\n');
        for (String a : p.architectures()) sb.append("arch ").append(TOKENS.get(Arch.fromOci(a))).append('\n');
        for (SeccompProfile.Rule r : p.rules()) {
            if (r.action() == p.defaultAction()) continue; // runc and we drop them; libseccomp refuses them
            for (String n : r.names()) {
                sb.append("rule ").append(Integer.toHexString(r.action())).append(' ').append(n).append(' ').append(r.conds().size());
                for (SeccompProfile.Cond c : r.conds())
                    sb.append(' ').append(c.index()).append(' ').append(c.op().ordinal() + 1).append(' ')
                            .append(Long.toUnsignedString(c.value())).append(' ').append(Long.toUnsignedString(c.valueTwo()));
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    static final long[][] ARGS = {{}, {1, 1, 1, 1, 1, 1}, {8}, {0x20000}, {0x7E020000L}, {0xffffffffL, 2}, {-1L, -1L, -1L},
            {0x100000000L + 8}, {3, 0x40}, {0, 0, 4}, {1, 2, 3, 4, 5, 6}};

    /**
     * Our filter and libseccomp's for profile (architectures replaced by listed) give the same
     * answer for every syscall number of each of its architectures (and a bad one), with every
     * argument set; above the highest number the profile names on a listed architecture runc's
     * -ENOSYS patch decides, which libseccomp alone has not, so those are left out there.
     */
    static int compare(Map<String, Object> profile, List<String> listed) throws Exception {
        Map<String, Object> s = new LinkedHashMap<>(profile);
        s.put("architectures", new ArrayList<Object>(listed));
        SeccompProfile p = SeccompProfile.parse(s, "linux.seccomp");
        byte[] ours = SeccompCompiler.compile(s, "linux.seccomp", Arch.X86_64).filter();
        byte[] theirs = runProbe(probeInput(p));
        boolean stub = p.defaultAction() != SeccompProfile.RET_ALLOW && (p.defaultAction() & 0xffff0000) != 0x7ffc0000
                && (p.defaultAction() & 0xffff0000) != 0x7ff00000;
        List<Arch> arches = new ArrayList<>(List.of(Arch.X86_64));
        for (String a : listed) if (!arches.contains(Arch.fromOci(a))) arches.add(Arch.fromOci(a));
        List<String> diffs = new ArrayList<>();
        int checked = 0;
        for (Arch a : arches) {
            SyscallTable t = SyscallTable.of(a);
            long base = a == Arch.X32 ? Arch.X32_SYSCALL_BIT : 0, top = base + 1100, max = -1;
            if (a == Arch.ARM) top = 0xf0010;
            for (SeccompProfile.Rule r : p.rules()) for (String n : r.names()) max = Math.max(max, t.number(n));
            for (long nr = base; nr < top; nr++) {
                if (a == Arch.ARM && nr == 1100) nr = 0xf0000;
                if (stub && listed.contains(a.ociName) && nr > max) continue;
                for (long[] args : ARGS) {
                    int o = BpfInterpreter.run(ours, (int) nr, a.auditArch, args), l = BpfInterpreter.run(theirs, (int) nr, a.auditArch, args);
                    checked++;
                    if (o != l && diffs.size() < 20) diffs.add(a.ociName + " nr " + Long.toHexString(nr) + " args " + java.util.Arrays.toString(args)
                            + ": ours " + Integer.toHexString(o) + ", libseccomp " + Integer.toHexString(l));
                }
            }
        }
        for (long[] args : ARGS) // an architecture in neither filter
            assertEquals(BpfInterpreter.run(theirs, 0, 0x40000008, args), BpfInterpreter.run(ours, 0, 0x40000008, args));
        assertEquals(List.of(), diffs, "profile with " + listed);
        return checked;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> resource(String name) throws IOException {
        try (InputStream in = LibseccompAgreementTest.class.getResourceAsStream("/jrun/linux/seccomp/" + name)) {
            return (Map<String, Object>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** Podman 4.3.1's default profile (errno by default, Docker's rules), on x86_64 with each other architecture. */
    @Test
    void podmansDefaultProfileOnEveryArchitecture() throws Exception {
        Map<String, Object> podman = resource("podman-4.3.1-default.json");
        int checked = 0;
        for (Arch a : TOKENS.keySet()) checked += compare(podman, a == Arch.X86_64 ? List.of("SCMP_ARCH_X86_64") : List.of("SCMP_ARCH_X86_64", a.ociName));
        checked += compare(podman, List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"));
        assertTrue(checked > 50_000, "decisions compared: " + checked);
    }

    /** Allow by default, errno rules with and without argument conditions: every number, no stub. */
    @Test
    @SuppressWarnings("unchecked")
    void anAllowProfileWithConditionsOnEveryArchitecture() throws Exception {
        Map<String, Object> s = (Map<String, Object>) Json.parse("""
                {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[
                 {"names":["mount","umount2","pivot_root","kexec_load","open","stat","socketcall","ipc","cacheflush","riscv_flush_icache","set_tls","fstatat64","newfstatat","socket","bind","semop"],"action":"SCMP_ACT_ERRNO","errnoRet":1},
                 {"names":["personality"],"action":"SCMP_ACT_ERRNO","errnoRet":2,"args":[{"index":0,"value":8,"op":"SCMP_CMP_NE"}]},
                 {"names":["clone"],"action":"SCMP_ACT_ERRNO","errnoRet":3,"args":[{"index":0,"value":2114060288,"op":"SCMP_CMP_MASKED_EQ","valueTwo":0}]},
                 {"names":["ioctl"],"action":"SCMP_ACT_TRAP","args":[{"index":1,"value":64,"op":"SCMP_CMP_GT"}]},
                 {"names":["kill"],"action":"SCMP_ACT_KILL_PROCESS","args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ"},{"index":1,"value":2,"op":"SCMP_CMP_LE"}]}
                ]}""");
        for (Arch a : TOKENS.keySet()) compare(s, a == Arch.X86_64 ? List.of() : List.of("SCMP_ARCH_X86_64", a.ociName));
        compare(s, List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_RISCV64"));
    }
}
