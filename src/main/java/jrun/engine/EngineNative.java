package jrun.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The engine's socket calls in libjrun.so (src/main/c/jrun_jni.c): Java's unix-domain channels
 * cannot receive fds (SCM_RIGHTS) or name their peer (SO_PEERCRED), and a JVM cannot wrap an
 * fd number it received in a stream, so reads and writes of those fds go through here too.
 */
final class EngineNative {
    private EngineNative() {}

    static boolean load() {
        return jrun.linux.PosixLock.available(); // the same library
    }

    static int listen(String path) throws IOException {
        return listen0(nul(path));
    }

    private static byte[] nul(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] z = new byte[b.length + 1];
        System.arraycopy(b, 0, z, 0, b.length);
        return z;
    }

    static native int listen0(byte[] path) throws IOException;

    static native int accept0(int listenFd, int timeoutMs) throws IOException;

    static native int[] peer0(int fd) throws IOException;

    static native int recv0(int fd, byte[] buf, int off, int len, int[] fds) throws IOException;

    /** recv0 without waiting: -2 when nothing has come yet. */
    static native int recvNow0(int fd, byte[] buf, int off, int len, int[] fds) throws IOException;

    static native int read0(int fd, byte[] buf, int off, int len) throws IOException;

    static native void write0(int fd, byte[] buf, int off, int len) throws IOException;

    static native void close0(int fd);

    static native int setsid0();

    /** An fd received from a client, written to (its stdout or stderr). */
    static final class FdOut extends OutputStream {
        private final int fd;

        FdOut(int fd) {
            this.fd = fd;
        }

        @Override
        public void write(int b) throws IOException {
            write0(fd, new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            write0(fd, b, off, len);
        }
    }

    /** An fd received from a client, read from (its stdin). */
    static final class FdIn extends InputStream {
        private final int fd;

        FdIn(int fd) {
            this.fd = fd;
        }

        @Override
        public int read() throws IOException {
            byte[] b = new byte[1];
            return read(b, 0, 1) <= 0 ? -1 : b[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) return 0;
            int n = read0(fd, b, off, len);
            return n == 0 ? -1 : n;
        }
    }
}
