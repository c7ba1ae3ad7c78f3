package jrun.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;

import jrun.JrunException;

/** HostFiles on the real machine. */
public final class RealHostFiles implements HostFiles {
    @Override
    public Kind kind(Path path) {
        try {
            // IfExists, basic, following links: the one query NIO answers for a missing path without
            // throwing and catching inside (~50 us interpreted each; a create asks for several)
            java.nio.file.attribute.BasicFileAttributes a = path.getFileSystem().provider().readAttributesIfExists(path,
                    java.nio.file.attribute.BasicFileAttributes.class);
            if (a == null) return Kind.MISSING;
            if (a.isDirectory()) return Kind.DIRECTORY;
            if (a.isRegularFile()) return Kind.FILE;
            int mode = (Integer) Files.getAttribute(path, "unix:mode");
            return switch (mode & 0170000) {
                case 0020000 -> Kind.CHAR_DEVICE;
                case 0060000 -> Kind.BLOCK_DEVICE;
                default -> Kind.OTHER;
            };
        } catch (NoSuchFileException e) {
            return Kind.MISSING;
        } catch (IOException e) {
            throw new JrunException(path + ": cannot stat: " + e.getMessage(), e);
        }
    }

    @Override
    public long rdev(Path path) {
        try {
            return (Long) Files.getAttribute(path, "unix:rdev");
        } catch (IOException e) {
            throw new JrunException(path + ": cannot stat: " + e.getMessage(), e);
        }
    }

    /** Files larger than this are not read from a rootfs (an /etc/passwd is a few KiB). */
    static final long MAX_IN_ROOT = 1 << 20;

    /**
     * Through libjrun.so (src/main/c/jrun_jni.c): openat2 RESOLVE_IN_ROOT, so a container that swaps
     * a component for a symlink to a host path meanwhile (exec reads a running container's
     * /etc/passwd) never gets a host file read. Only where the library is absent (Java tests run
     * from classes) does the walk stand in.
     */
    @Override
    public String readInRoot(Path root, String path) {
        return PosixLock.available() ? readInRootNative(root, path) : readInRootWalking(root, path);
    }

    static String readInRootNative(Path root, String path) {
        byte[] b = readInRoot0(PosixLock.cString(root.toString()), PosixLock.cString(path), (int) MAX_IN_ROOT);
        return b == null ? null : new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** resolveInRoot, then the last component opened without following it (what is left racy: the directories). */
    static String readInRootWalking(Path root, String path) {
        Path resolved = resolveInRoot(root, path);
        if (resolved == null) return null;
        try {
            PosixFileAttributes a = Files.readAttributes(resolved, PosixFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile() || a.size() > MAX_IN_ROOT) return null;
            try (java.io.InputStream in = Files.newInputStream(resolved, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                byte[] b = in.readNBytes((int) MAX_IN_ROOT + 1);
                return b.length > MAX_IN_ROOT ? null : new String(b, java.nio.charset.StandardCharsets.UTF_8);
            }
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /** root and path NUL-terminated; the file's bytes, or null (see jrun_jni.c). */
    private static native byte[] readInRoot0(byte[] root, byte[] path, int max);

    /**
     * Resolves path under root one component at a time, following symlinks as the container would
     * see them ("/" and ".." stop at root). Hand-written: Java has no openat2(RESOLVE_IN_ROOT); the
     * fallback of readInRoot without libjrun.so, as crun's is without openat2.
     */
    static Path resolveInRoot(Path root, String path) {
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>();
        for (String c : path.split("/")) if (!c.isEmpty()) todo.addLast(c);
        java.util.ArrayList<String> done = new java.util.ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String c = todo.removeFirst();
            if (c.equals(".")) continue;
            if (c.equals("..")) {
                if (!done.isEmpty()) done.remove(done.size() - 1);
                continue;
            }
            Path here = root;
            for (String d : done) here = here.resolve(d);
            Path next = here.resolve(c);
            // Nothing there (/etc in a minimal rootfs) is found without an exception: NIO throws and
            // catches inside for a missing path, except when it follows links (kind()); a name that
            // does not resolve on the host may still be a symlink, which the directory lists.
            boolean there;
            try {
                there = next.getFileSystem().provider().readAttributesIfExists(next, java.nio.file.attribute.BasicFileAttributes.class) != null;
            } catch (IOException e) {
                there = true; // something is there (a loop, no permission): isSymbolicLink decides
            }
            if (!there && !listed(here, c)) return null;
            if (Files.isSymbolicLink(next)) {
                if (++links > 40) return null;
                String target;
                try {
                    target = Files.readSymbolicLink(next).toString();
                } catch (IOException e) {
                    return null;
                }
                java.util.ArrayDeque<String> more = new java.util.ArrayDeque<>();
                for (String t : target.split("/")) if (!t.isEmpty()) more.addLast(t);
                if (target.startsWith("/")) done.clear();
                while (!more.isEmpty()) todo.addFirst(more.removeLast());
                continue;
            }
            done.add(c);
        }
        Path out = root;
        for (String d : done) out = out.resolve(d);
        return out;
    }

    private static boolean listed(Path dir, String name) {
        String[] names = dir.toFile().list();
        if (names != null) for (String n : names) if (n.equals(name)) return true;
        return false;
    }
}
