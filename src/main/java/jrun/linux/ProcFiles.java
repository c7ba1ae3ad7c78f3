package jrun.linux;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads (and writes) procfs and sysfs files. They report a size of 0 or a wrong size, so anything that sizes
 * its buffer from the file's length truncates ("4" for cap_last_cap's "40"): this reads with a
 * fixed buffer until EOF.
 */
public final class ProcFiles {
    private ProcFiles() {}

    public static String read(Path file) throws IOException {
        try (InputStream in = new FileInputStream(file.toFile())) {
            byte[] buf = new byte[4096];
            int len = 0;
            for (int n; (n = in.read(buf, len, buf.length - len)) >= 0; ) {
                len += n;
                if (len == buf.length) buf = Arrays.copyOf(buf, buf.length * 2);
            }
            return new String(buf, 0, len, StandardCharsets.UTF_8);
        }
    }

    /**
     * Writes a procfs or cgroup file as a shell's `>` does: a FileOutputStream, where Files.write
     * opens a FileChannel, whose first use costs ~0.6 ms (see PosixLock).
     */
    public static void write(String file, byte[] text) throws IOException {
        try (java.io.FileOutputStream out = new java.io.FileOutputStream(file)) {
            out.write(text);
        }
    }

    private static long selfPid;

    /**
     * This JVM's pid, from the /proc/self link: ProcessHandle.current() initialises the JDK's
     * process reaper machinery, about 0.8 ms of every create in the interpreter.
     */
    public static long selfPid() {
        long p = selfPid;
        if (p == 0) {
            try {
                p = Long.parseLong(java.nio.file.Files.readSymbolicLink(Path.of("/proc/self")).toString());
            } catch (IOException | NumberFormatException | UnsupportedOperationException e) {
                p = ProcessHandle.current().pid();
            }
            selfPid = p;
        }
        return p;
    }
}
