package jrun.linux;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * `start`'s half of the exec fifo. The waiting init reads one byte from it, then holds it
 * (close-on-exec) until its exec; if the process cannot be started, the init writes why into
 * it before it exits (src/main/c/helper.c, fail). So start writes the byte and waits until the
 * fifo has no reader left, through libjrun.so (Java can neither poll a fifo nor open one
 * without blocking), and then knows whether the process runs.
 */
public final class StartFifo {
    private StartFifo() {}

    /**
     * Releases the init waiting on fifo and waits for its exec. Returns null when the process
     * was started (or the library is absent: then only the byte is written, as before), else
     * the init's reason.
     */
    public static String start(Path fifo) throws IOException {
        if (!PosixLock.available()) { // tests from classes: no library, no wait
            // O_RDWR never blocks on a fifo, even if the init died a moment ago
            try (RandomAccessFile f = new RandomAccessFile(fifo.toFile(), "rw")) {
                f.write('0');
            }
            return null;
        }
        byte[] s = fifo.toString().getBytes(StandardCharsets.UTF_8);
        byte[] z = new byte[s.length + 1]; // NUL-terminated for C
        System.arraycopy(s, 0, z, 0, s.length);
        byte[] why = start0(z);
        return why.length == 0 ? null : new String(why, StandardCharsets.UTF_8);
    }

    private static native byte[] start0(byte[] path) throws IOException;
}
