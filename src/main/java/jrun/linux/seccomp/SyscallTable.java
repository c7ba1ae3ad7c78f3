package jrun.linux.seccomp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * Syscall name to number, per architecture, from the tables scripts/gen-syscall-tables.sh
 * generates from the kernel's uapi headers (resources jrun/linux/seccomp/syscalls-ARCH.txt).
 */
public final class SyscallTable {
    private static final Map<Arch, SyscallTable> LOADED = new EnumMap<>(Arch.class);

    private final Map<String, Integer> numbers;

    private SyscallTable(Map<String, Integer> numbers) {
        this.numbers = numbers;
    }

    /** The table of arch; an empty one for architectures without a table. */
    public static synchronized SyscallTable of(Arch arch) {
        return LOADED.computeIfAbsent(arch, SyscallTable::load);
    }

    /** The syscall's number on this arch (x32 numbers include the x32 bit), or -1. */
    public long number(String name) {
        Integer n = numbers.get(name);
        return n == null ? -1 : Integer.toUnsignedLong(n);
    }

    public Map<String, Integer> all() {
        return Map.copyOf(numbers);
    }

    private static SyscallTable load(Arch arch) {
        Map<String, Integer> m = new HashMap<>(512);
        if (arch.table == null) return new SyscallTable(m);
        String res = "/jrun/linux/seccomp/syscalls-" + arch.table + ".txt";
        try (InputStream in = SyscallTable.class.getResourceAsStream(res)) {
            if (in == null) throw new IllegalStateException("missing resource " + res);
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isEmpty() || line.charAt(0) == '#') continue;
                int sp = line.indexOf(' ');
                m.put(line.substring(0, sp), Integer.parseUnsignedInt(line, sp + 1, line.length(), 10));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new SyscallTable(m);
    }
}
