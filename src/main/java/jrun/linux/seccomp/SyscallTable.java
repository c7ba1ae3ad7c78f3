package jrun.linux.seccomp;

import java.util.HashMap;
import java.util.Map;

/**
 * Syscall name to number for one architecture, from {@link SyscallNames}, which
 * scripts/gen-syscall-tables.sh generates from the kernel's uapi headers. Lookups are a string
 * switch, so nothing is parsed or built when a JVM starts (this runs at every create).
 */
public final class SyscallTable {
    private static final SyscallTable NONE = new SyscallTable(null);
    private static final SyscallTable X86_64 = new SyscallTable(SyscallNames.X86_64);
    private static final SyscallTable X86 = new SyscallTable(SyscallNames.X86);
    private static final SyscallTable X32 = new SyscallTable(SyscallNames.X32);
    private static final SyscallTable AARCH64 = new SyscallTable(SyscallNames.AARCH64);
    private static final SyscallTable RISCV64 = new SyscallTable(SyscallNames.RISCV64);
    private static final SyscallTable ARM = new SyscallTable(SyscallNames.ARM);

    private final int[] numbers;

    private SyscallTable(int[] numbers) {
        this.numbers = numbers;
    }

    /** The table of arch; an empty one for architectures without a table. */
    public static SyscallTable of(Arch arch) {
        return switch (arch) {
            case X86_64 -> X86_64;
            case X86 -> X86;
            case X32 -> X32;
            case AARCH64 -> AARCH64;
            case RISCV64 -> RISCV64;
            case ARM -> ARM;
            default -> NONE;
        };
    }

    /** The syscall's number on this arch (x32 numbers include the x32 bit), or -1. */
    public long number(String name) {
        return numberAt(SyscallNames.index(name));
    }

    /** The number of the syscall at a {@link SyscallNames#index} (-1 = unknown), or -1. */
    long numberAt(int index) {
        if (index < 0 || numbers == null) return -1;
        return numbers[index];
    }

    public Map<String, Integer> all() {
        Map<String, Integer> m = new HashMap<>();
        if (numbers != null) {
            for (int i = 0; i < numbers.length; i++) if (numbers[i] >= 0) m.put(SyscallNames.NAMES[i], numbers[i]);
        }
        return m;
    }
}
