package jrun.linux;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A whole-file fcntl (open file description) write lock through lib/jrun/libjrun.so
 * (src/main/c/jrun_jni.c), where the launcher says it is (-Djrun.lib); available() loads the
 * library for RealHostFiles.readInRoot too. FileChannel.lock() takes the same kind of lock, and the two
 * exclude each other; it stays the fallback where the library is absent (tests from classes).
 * Measured in a fresh JVM with an AOT cache: FileChannel open + lock ~0.7 ms, this ~0.17 ms;
 * a java.lang.foreign downcall ~25 ms.
 */
public final class PosixLock {
    private PosixLock() {}

    private static Boolean loaded;

    /** Whether the library is there and loaded (tried once). */
    public static synchronized boolean available() {
        if (loaded == null) {
            String dir = System.getProperty("jrun.lib");
            File lib = dir == null ? null : new File(dir, "libjrun.so");
            boolean ok = false;
            if (lib != null && lib.isFile()) {
                try {
                    System.load(lib.getAbsolutePath());
                    ok = true;
                } catch (UnsatisfiedLinkError | SecurityException e) {
                    // FileChannel then
                }
            }
            loaded = ok;
        }
        return loaded;
    }

    /** Waits for the lock on file (made if missing); the fd that holds it, for unlock. */
    public static int lock(Path file) throws IOException {
        byte[] z = cString(file.toString());
        if (!Thread.currentThread().isVirtual()) return lock0(z, false);
        // The engine's requests run on virtual threads: one blocked in native code holds its carrier
        // (2 here), and the holder it waits for might need one. So it polls, sleeping unmounted.
        for (long nanos = 100_000;; nanos = Math.min(nanos * 2, 5_000_000)) {
            int fd = lock0(z, true);
            if (fd >= 0) return fd;
            try {
                Thread.sleep(java.time.Duration.ofNanos(nanos));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("waiting for the lock on " + file);
            }
        }
    }

    /** s in UTF-8, NUL-terminated for C (libjrun.so's other callers use it too). */
    static byte[] cString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return java.util.Arrays.copyOf(b, b.length + 1);
    }

    public static void unlock(int fd) {
        unlock0(fd);
    }

    /**
     * Reaps child pid once it has exited (its status read already): the launcher's pre-forked
     * helper is this JVM's child but not the JDK's. Whether it was reaped; false without the library.
     */
    public static boolean reap(long pid) {
        return available() && reap0((int) pid) == 1;
    }

    private static native int reap0(int pid);

    /**
     * Makes this JVM its descendants' subreaper (PR_SET_CHILD_SUBREAPER): a create's init whose
     * helper has left is this JVM's to reap if the create fails, not a zombie for the caller's
     * subreaper; when this JVM exits, a live init goes on to that subreaper as before. Only for a
     * JVM that exits after its command (bin/jrun's main).
     */
    public static boolean subreaper() {
        return available() && subreaper0() == 1;
    }

    private static native int subreaper0();

    private static native int lock0(byte[] path, boolean tryOnly) throws IOException;

    private static native void unlock0(int fd);
}
