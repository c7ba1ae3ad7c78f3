package jrun.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

import jrun.JrunException;

/**
 * A directory opened once (O_DIRECTORY|O_NOFOLLOW), whose files are read, made and renamed
 * through its fd, and a new file set up through its own fd: never by path again, so whoever owns
 * the directory cannot swap a name for a symlink and have root chown, chmod or write its target.
 * Through lib/jrun/libjrun.so (src/main/c/jrun_jni.c): NIO chmods and chowns by path, and cannot
 * rename relative to a directory fd.
 */
public final class DirFd implements AutoCloseable {
    /** A file as fstatat(AT_SYMLINK_NOFOLLOW) saw it. */
    public record Stat(int mode, int uid, int gid, long dev, long ino) {
        public boolean isSymlink() {
            return (mode & 0170000) == 0120000;
        }

        public boolean isRegular() {
            return (mode & 0170000) == 0100000;
        }

        /** The permission bits, set-id and sticky included. */
        public int permissions() {
            return mode & 07777;
        }
    }

    /** A failed call: strerror's text, and the errno. */
    public static final class Failure extends IOException {
        private static final long serialVersionUID = 1L;
        public static final int ENOENT = 2, EEXIST = 17, ENOTDIR = 20, ELOOP = 40;
        public final int errno;

        public Failure(String message, int errno) {
            super(message);
            this.errno = errno;
        }
    }

    private final Path path;
    private int fd;

    private DirFd(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    /** Opens dir, refusing a symlink as its last component (its owner might have swapped it); the error names it. */
    public static DirFd open(Path dir) {
        return open(dir, false);
    }

    /** Opens dir, following symlinks: for a directory only the caller controls, as a --pid-file's (/var/run is one). */
    public static DirFd openFollowing(Path dir) {
        return open(dir, true);
    }

    private static DirFd open(Path dir, boolean follow) {
        requireLibrary(dir);
        try {
            return new DirFd(dir, openDir0(z(dir.toString()), follow));
        } catch (IOException e) {
            boolean link = e instanceof Failure f && (f.errno == Failure.ELOOP || f.errno == Failure.ENOTDIR);
            throw new JrunException(dir + ": cannot open the directory: " + (link ? "not a directory (a symlink is not followed here)" : e.getMessage()), e);
        }
    }

    private static void requireLibrary(Path where) {
        if (!PosixLock.available())
            throw new JrunException(where + ": cannot work on files safely: libjrun.so is not loaded (-Djrun.lib=" + System.getProperty("jrun.lib") + ")");
    }

    public Path path() {
        return path;
    }

    /** name as it is, not following a symlink; null if there is none. */
    public Stat lstat(String name) throws IOException {
        long[] s = lstatAt0(fd, z(name));
        return s == null ? null : new Stat((int) s[0], (int) s[1], (int) s[2], s[3], s[4]);
    }

    /** The whole of regular file name; a symlink, FIFO or device fails (ELOOP, EINVAL). */
    public byte[] read(String name) throws IOException {
        return read0(fd, z(name));
    }

    /**
     * Replaces name with content: a new temp file beside it (O_EXCL, mode 0600 until the end),
     * written, given uid, gid and mode through its fd (-1: leave as made), fsynced if asked, then
     * renamed over name (see Temp).
     */
    public void replace(String name, byte[] content, int uid, int gid, int mode, boolean sync) throws IOException {
        try (Temp t = temp(name)) {
            t.write(content);
            t.commit(uid, gid, mode, sync);
        }
    }

    /**
     * A new temp file to become name at commit, mode 0600: unnamed (O_TMPFILE) until the commit
     * links it as ".NAME.RANDOM.tmp" to rename it, so a process killed while writing it leaves
     * nothing behind; where the file system has no O_TMPFILE, made under that name at once
     * (O_CREAT|O_EXCL|O_NOFOLLOW).
     */
    public Temp temp(String name) throws IOException {
        int f = tmpfile0(fd, 0600);
        if (f >= 0) return new Temp(name, null, f);
        for (int tries = 0;; tries++) {
            String tmp = tempName(name);
            try {
                return new Temp(name, tmp, create0(fd, z(tmp), 0600));
            } catch (Failure e) {
                if (tries >= 10 || e.errno != Failure.EEXIST) throw e;
            }
        }
    }

    private static String tempName(String name) {
        return "." + name + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp";
    }

    /**
     * A temp file being written through its own fd. commit renames it over its name, then checks
     * that the name is that very file: if the directory's owner swapped the temp name in between,
     * the swap is reported. Closed without a commit (or after a failed one), it is removed.
     */
    public final class Temp implements AutoCloseable {
        private final String name;
        private String tmp; // null while unnamed (O_TMPFILE) and once renamed
        private int f;

        private Temp(String name, String tmp, int f) {
            this.name = name;
            this.tmp = tmp;
            this.f = f;
        }

        public void write(byte[] data) throws IOException {
            write0(f, data);
        }

        /** uid, gid, mode: -1 leaves that as made (root, the caller's group, 0600 less the umask). */
        public void commit(int uid, int gid, int mode, boolean sync) throws IOException {
            long[] mine = fstat0(f); // {dev, ino, uid, gid}
            // fchown only to change something: a non-root caller may not give a file to a group it is not in
            finish0(f, uid == mine[2] ? -1 : uid, gid == mine[3] ? -1 : gid, mode, sync);
            for (int tries = 0; tmp == null; tries++) { // unnamed (O_TMPFILE): a name to rename
                String t = tempName(name);
                try {
                    link0(f, fd, z(t));
                    tmp = t;
                } catch (Failure e) {
                    if (tries >= 10 || e.errno != Failure.EEXIST) throw e;
                }
            }
            close0(f);
            f = -1;
            rename0(fd, z(tmp), z(name), !sync); // not fsynced: swapped in, see rename0 (jrun_jni.c)
            tmp = null;
            Stat now = lstat(name);
            if (now == null || now.dev() != mine[0] || now.ino() != mine[1])
                throw new IOException("replaced by someone else while being written (the directory's owner swapped the temp file)");
        }

        @Override
        public void close() {
            if (f >= 0) close0(f);
            f = -1;
            if (tmp != null) {
                try {
                    unlink0(fd, z(tmp));
                } catch (IOException ignored) {
                    // z's NUL check: tmp has none
                }
            }
            tmp = null;
        }
    }

    @Override
    public void close() {
        if (fd >= 0) close0(fd);
        fd = -1;
    }

    /** NUL-terminated UTF-8 for C; a NUL inside would cut the name short, so it is refused. */
    private static byte[] z(String s) throws IOException {
        if (s.indexOf('\0') >= 0) throw new IOException("a file name holds a NUL character");
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[b.length + 1];
        System.arraycopy(b, 0, out, 0, b.length);
        return out;
    }

    private static native int openDir0(byte[] path, boolean follow) throws IOException;

    private static native long[] lstatAt0(int dir, byte[] name) throws IOException;

    private static native long[] fstat0(int fd) throws IOException;

    private static native int create0(int dir, byte[] name, int mode) throws IOException;

    /** An unnamed file in dir (O_TMPFILE), or -1 where the file system has none. */
    private static native int tmpfile0(int dir, int mode) throws IOException;

    /** Gives the file open on fd (O_TMPFILE) a name in dir. */
    private static native void link0(int fd, int dir, byte[] name) throws IOException;

    private static native byte[] read0(int dir, byte[] name) throws IOException;

    private static native void write0(int fd, byte[] data) throws IOException;

    private static native void finish0(int fd, int uid, int gid, int mode, boolean sync) throws IOException;

    private static native void rename0(int dir, byte[] from, byte[] to, boolean swap) throws IOException;

    private static native void unlink0(int dir, byte[] name);

    private static native void close0(int fd);
}
