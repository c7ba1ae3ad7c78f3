package jrun.linux.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jrun.testing.Cmd;
import jrun.testing.Require;

class SyscallTableTest {
    @Test
    void generatedTableIsWhatTheHeadersSay(@TempDir Path dir) throws Exception {
        Require.file(Path.of("/usr/include/x86_64-linux-gnu/asm/unistd_64.h"), "linux-libc-dev");
        Require.file(Path.of("/usr/riscv64-linux-gnu/include/asm/unistd.h"), "linux-libc-dev-riscv64-cross");
        Require.file(Path.of("/usr/arm-linux-gnueabihf/include/asm/unistd-eabi.h"), "linux-libc-dev-armhf-cross");
        Path home = Path.of(System.getProperty("jrun.home", "."));
        Path out = dir.resolve("SyscallNames.java");
        Cmd.Result gen = Cmd.run(List.of("bash", home.resolve("scripts/gen-syscall-tables.sh").toString(), out.toString()), null, Map.of(), 60);
        assertEquals(0, gen.exit(), gen.toString());
        assertEquals(Files.readString(home.resolve("src/main/java/jrun/linux/seccomp/SyscallNames.java")), Files.readString(out),
                "SyscallNames.java differs from what scripts/gen-syscall-tables.sh makes from this machine's headers");
    }

    @Test
    void wellKnownNumbers() {
        // from the kernel's syscall tables and the man pages' "syscall numbers" lists
        assertEquals(0, SyscallTable.of(Arch.X86_64).number("read"));
        assertEquals(59, SyscallTable.of(Arch.X86_64).number("execve"));
        assertEquals(257, SyscallTable.of(Arch.X86_64).number("openat"));
        assertEquals(435, SyscallTable.of(Arch.X86_64).number("clone3"));
        assertEquals(-1, SyscallTable.of(Arch.X86_64).number("socketcall"));
        assertEquals(102, SyscallTable.of(Arch.X86).number("socketcall"));
        assertEquals(11, SyscallTable.of(Arch.X86).number("execve"));
        assertEquals(0x40000000L, SyscallTable.of(Arch.X32).number("read"));
        assertEquals(0x40000000L + 520, SyscallTable.of(Arch.X32).number("execve"));
        assertEquals(221, SyscallTable.of(Arch.AARCH64).number("execve"));
        assertEquals(221, SyscallTable.of(Arch.RISCV64).number("execve"));
        assertEquals(259, SyscallTable.of(Arch.RISCV64).number("riscv_flush_icache"));
        assertEquals(-1, SyscallTable.of(Arch.RISCV64).number("renameat")); // riscv64 has renameat2 only
        assertEquals(11, SyscallTable.of(Arch.ARM).number("execve"));
        assertEquals(0xf0005, SyscallTable.of(Arch.ARM).number("set_tls")); // __ARM_NR_set_tls
        assertEquals(-1, SyscallTable.of(Arch.ARM).number("socketcall")); // OABI only
        assertEquals(-1, SyscallTable.of(Arch.AARCH64).number("open"));
        assertEquals(-1, SyscallTable.of(Arch.PPC64LE).number("read"));
        assertEquals(-1, SyscallTable.of(Arch.X86_64).number("no_such_call"));
    }

    @Test
    void auditArchValuesMatchTheHeader(@TempDir Path dir) throws Exception {
        Require.file(Path.of("/usr/include/linux/audit.h"), "linux-libc-dev");
        StringBuilder c = new StringBuilder("#include <stdio.h>\n#include <linux/audit.h>\nint main(void){\n");
        List<String[]> pairs = List.of(new String[] {"X86_64", "X86_64"}, new String[] {"I386", "X86"},
                new String[] {"AARCH64", "AARCH64"}, new String[] {"ARM", "ARM"}, new String[] {"MIPS", "MIPS"},
                new String[] {"MIPS64", "MIPS64"}, new String[] {"MIPS64N32", "MIPS64N32"}, new String[] {"MIPSEL", "MIPSEL"},
                new String[] {"MIPSEL64", "MIPSEL64"}, new String[] {"MIPSEL64N32", "MIPSEL64N32"}, new String[] {"PPC", "PPC"},
                new String[] {"PPC64", "PPC64"}, new String[] {"PPC64LE", "PPC64LE"}, new String[] {"S390", "S390"},
                new String[] {"S390X", "S390X"}, new String[] {"PARISC", "PARISC"}, new String[] {"PARISC64", "PARISC64"},
                new String[] {"RISCV64", "RISCV64"}, new String[] {"LOONGARCH64", "LOONGARCH64"});
        for (String[] pr : pairs) c.append("printf(\"%u\\n\", (unsigned)AUDIT_ARCH_").append(pr[0]).append(");\n");
        c.append("return 0;}\n");
        Files.writeString(dir.resolve("a.c"), c);
        Cmd.ok("gcc", "-o", dir.resolve("a").toString(), dir.resolve("a.c").toString());
        List<String> values = Cmd.ok(dir.resolve("a").toString()).out().lines().toList();
        for (int i = 0; i < pairs.size(); i++) {
            assertEquals(Long.parseLong(values.get(i)), Integer.toUnsignedLong(Arch.valueOf(pairs.get(i)[1]).auditArch), pairs.get(i)[1]);
        }
    }
}
