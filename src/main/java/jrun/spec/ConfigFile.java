package jrun.spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import jrun.JrunException;
import jrun.linux.DirFd;

/** Reads a JSON file with errors that name it, and replaces one atomically. */
public final class ConfigFile {
    private ConfigFile() {}

    public static Json.Document read(Path file) {
        return parse(bytes(file), file);
    }

    /** The root object of a JSON file, read without its layout (see Json.parseRoot), or an error naming the file. */
    public static Map<String, Object> readObject(Path file) {
        Object root;
        try {
            root = Json.parseRoot(bytes(file));
        } catch (JsonSyntaxException e) {
            throw new JrunException(e.describe(file.toString()) + " (invalid JSON)");
        }
        return object(root, file);
    }

    /**
     * The largest JSON input read (docs/reliability.md): config.json, exec's --process, update's
     * --resources, from a file or stdin. A parsed tree costs many times its text; a bigger input is
     * refused before it is parsed, read no further than one byte past the limit.
     */
    public static final int MAX_BYTES = 4 << 20;

    /** At most MAX_BYTES of in, or an error naming {@code shown} (a file, or a flag's stdin). */
    public static byte[] bounded(java.io.InputStream in, String shown) throws IOException {
        byte[] b = in.readNBytes(MAX_BYTES + 1); // bounded even if the file grows meanwhile
        if (b.length > MAX_BYTES) throw tooLarge(shown);
        return b;
    }

    private static JrunException tooLarge(String shown) {
        return new JrunException(shown + ": larger than the limit of " + MAX_BYTES + " bytes; not read");
    }

    private static byte[] bytes(Path file) {
        // A FileInputStream, not Files.readAllBytes: a JVM's first FileChannel costs ~0.6 ms (IOUtil's init loads libnet), a stream ~0.2.
        try (java.io.FileInputStream in = new java.io.FileInputStream(file.toFile())) {
            return bounded(in, file.toString());
        } catch (java.io.FileNotFoundException e) { // "PATH (REASON)"; the reason is asked again, as NIO names it
            if (!Files.exists(file)) throw new JrunException(file + ": no such file");
            if (!Files.isReadable(file)) throw new JrunException(file + ": permission denied");
            String m = String.valueOf(e.getMessage());
            int open = m.lastIndexOf(" (");
            throw new JrunException(file + ": cannot read: " + (open >= 0 && m.endsWith(")") ? m.substring(open + 2, m.length() - 1) : m), e);
        } catch (IOException e) {
            throw new JrunException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** The root object of a JSON file, or an error naming the file. */
    public static Map<String, Object> rootObject(Json.Document doc, Path file) {
        return object(doc.root(), file);
    }

    private static Map<String, Object> object(Object root, Path file) {
        if (root instanceof Map<?, ?>) return ConfigTree.object(root, "");
        throw new JrunException(file + ": expected a JSON object at the top level, found " + ConfigTree.describe(root));
    }

    /**
     * Replaces {@code file} with {@code content}: a temp file in the same directory, fsynced, given
     * the original's mode and owner, then renamed over it, so a reader sees the old or the new file
     * and never half of one. The temp file is removed on any failure. The directory is opened
     * once and everything after the temp file's creation works on fds (DirFd), so its owner cannot
     * have root chown, chmod or write another file. A symlink in file's place is refused.
     */
    public static void replaceAtomically(Path file, String content) {
        Path abs = file.toAbsolutePath();
        try (DirFd dir = DirFd.open(abs.getParent())) {
            replaceAtomically(dir, abs.getFileName().toString(), file, content);
        }
    }

    /** replaceAtomically in a directory already open; errors name the file as {@code shown}. */
    public static void replaceAtomically(DirFd dir, String name, Path shown, String content) {
        replaceAtomically(dir, name, shown, content, true);
    }

    /**
     * replaceAtomically, with the temp file fsynced before the rename only if {@code durable}.
     * Without it the replacement is as atomic (the rename is; a reader sees the old file or the
     * new one) but a crash of the host shortly after may leave the old content, or on some file
     * systems an empty file: for a file that does not outlive the host's uptime in any useful
     * way, as oci-interceptor's rewrite of a bundle's config.json (docs/engine.md).
     */
    public static void replaceAtomically(DirFd dir, String name, Path shown, String content, boolean durable) {
        try {
            DirFd.Stat old = dir.lstat(name);
            if (old != null && old.isSymlink()) throw symlink(shown);
            if (old != null && !old.isRegular()) throw new JrunException(shown + ": not a regular file: not replaced");
            if (jrun.runtime.StateStore.stopsAt("config:half-written")) { // tests only: die with half the new file written
                byte[] b = content.getBytes(StandardCharsets.UTF_8);
                DirFd.Temp t = dir.temp(name);
                t.write(java.util.Arrays.copyOf(b, b.length / 2));
                jrun.runtime.StateStore.stopAt("config:half-written");
            }
            dir.replace(name, content.getBytes(StandardCharsets.UTF_8), old == null ? -1 : old.uid(), old == null ? -1 : old.gid(),
                    old == null ? -1 : old.permissions(), durable);
        } catch (IOException e) {
            throw new JrunException(shown + ": cannot write: " + e.getMessage(), e);
        }
    }

    /** read, of a file in a directory already open, never following a symlink; errors name it as {@code shown}. */
    public static Json.Document read(DirFd dir, String name, Path shown) {
        return parse(bytes(dir, name, shown), shown);
    }

    /** The whole of a file in an open directory, never following a symlink; errors name it as {@code shown}. */
    public static byte[] bytes(DirFd dir, String name, Path shown) {
        byte[] b;
        try {
            b = dir.read(name);
        } catch (DirFd.Failure e) {
            throw switch (e.errno) {
                case DirFd.Failure.ENOENT -> new JrunException(shown + ": no such file");
                case DirFd.Failure.ELOOP -> symlink(shown);
                case 22 /* EINVAL */ -> new JrunException(shown + ": not a regular file");
                default -> new JrunException(shown + ": cannot read: " + e.getMessage(), e);
            };
        } catch (IOException e) {
            throw new JrunException(shown + ": cannot read: " + e.getMessage(), e);
        }
        if (b.length > MAX_BYTES) throw tooLarge(shown.toString());
        return b;
    }

    /** A JSON document from bytes read from file, or an error naming it. */
    public static Json.Document parse(byte[] bytes, Path file) {
        try {
            return Json.parseDocument(bytes);
        } catch (JsonSyntaxException e) {
            throw new JrunException(e.describe(file.toString()) + " (invalid JSON)");
        }
    }

    private static JrunException symlink(Path shown) {
        return new JrunException(shown + ": is a symbolic link, which is not followed here: put the file itself in its place");
    }
}
