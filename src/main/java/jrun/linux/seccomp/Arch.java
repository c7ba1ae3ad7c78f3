package jrun.linux.seccomp;

import java.util.Locale;

/**
 * The seccomp architectures of the OCI spec, with their AUDIT_ARCH_* value (linux/audit.h:
 * EM_* | __AUDIT_ARCH_64BIT 0x80000000 | __AUDIT_ARCH_LE 0x40000000) and, where we have one, a
 * syscall table. x32 shares x86_64's audit value; its syscall numbers carry __X32_SYSCALL_BIT.
 */
public enum Arch {
    X86_64("SCMP_ARCH_X86_64", 0xC000003E, 64, "x86_64"),
    X86("SCMP_ARCH_X86", 0x40000003, 32, "x86"),
    X32("SCMP_ARCH_X32", 0xC000003E, 32, "x32"),
    AARCH64("SCMP_ARCH_AARCH64", 0xC00000B7, 64, "aarch64"),
    ARM("SCMP_ARCH_ARM", 0x40000028, 32, "arm"),
    MIPS("SCMP_ARCH_MIPS", 0x00000008, 32, null),
    MIPS64("SCMP_ARCH_MIPS64", 0x80000008, 64, null),
    MIPS64N32("SCMP_ARCH_MIPS64N32", 0xA0000008, 32, null),
    MIPSEL("SCMP_ARCH_MIPSEL", 0x40000008, 32, null),
    MIPSEL64("SCMP_ARCH_MIPSEL64", 0xC0000008, 64, null),
    MIPSEL64N32("SCMP_ARCH_MIPSEL64N32", 0xE0000008, 32, null),
    PPC("SCMP_ARCH_PPC", 0x00000014, 32, null),
    PPC64("SCMP_ARCH_PPC64", 0x80000015, 64, null),
    PPC64LE("SCMP_ARCH_PPC64LE", 0xC0000015, 64, null),
    S390("SCMP_ARCH_S390", 0x00000016, 32, null),
    S390X("SCMP_ARCH_S390X", 0x80000016, 64, null),
    PARISC("SCMP_ARCH_PARISC", 0x0000000F, 32, null),
    PARISC64("SCMP_ARCH_PARISC64", 0x8000000F, 64, null),
    RISCV64("SCMP_ARCH_RISCV64", 0xC00000F3, 64, "riscv64"),
    LOONGARCH64("SCMP_ARCH_LOONGARCH64", 0xC0000102, 64, null);

    /** __X32_SYSCALL_BIT. */
    public static final int X32_SYSCALL_BIT = 0x40000000;

    public final String ociName;
    public final int auditArch;
    /** The width libseccomp compares arguments at: 32-bit ABIs compare only the low word. */
    public final int argBits;
    final String table;

    Arch(String ociName, int auditArch, int argBits, String table) {
        this.ociName = ociName;
        this.auditArch = auditArch;
        this.argBits = argBits;
        this.table = table;
    }

    public boolean hasTable() {
        return table != null;
    }

    public static Arch fromOci(String name) {
        for (Arch a : values()) if (a.ociName.equals(name)) return a;
        return null;
    }

    /** The architecture this JVM runs on (libseccomp's "native" arch, always in a filter). */
    public static Arch nativeArch() {
        String a = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return switch (a) {
            case "amd64", "x86_64" -> X86_64;
            case "aarch64", "arm64" -> AARCH64;
            case "x86", "i386", "i686" -> X86;
            case "arm" -> ARM;
            case "riscv64" -> RISCV64;
            default -> throw new IllegalStateException("seccomp: no syscall table for native architecture " + a);
        };
    }
}
