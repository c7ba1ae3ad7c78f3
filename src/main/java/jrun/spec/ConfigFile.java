package jrun.spec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Map;

import jrun.JrunException;

/** Reads a JSON file with errors that name it, and replaces one atomically. */
public final class ConfigFile {
    private ConfigFile() {}

    public static Json.Document read(Path file) {
        byte[] bytes = bytes(file);
        try {
            return Json.parseDocument(bytes);
        } catch (JsonSyntaxException e) {
            throw new JrunException(e.describe(file.toString()) + " (invalid JSON)");
        }
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

    private static byte[] bytes(Path file) {
        // A FileInputStream, not Files.readAllBytes: a JVM's first FileChannel costs ~0.6 ms (IOUtil's init loads libnet), a stream ~0.2.
        try (java.io.FileInputStream in = new java.io.FileInputStream(file.toFile())) {
            return in.readAllBytes();
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
     * and never half of one. The temp file is removed on any failure.
     */
    public static void replaceAtomically(Path file, String content) {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            PosixFileAttributes attrs = Files.exists(file)
                    ? Files.readAttributes(file, PosixFileAttributes.class) : null;
            tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) ch.write(buf);
                ch.force(true);
            }
            if (attrs != null) {
                PosixFileAttributeView view = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
                view.setPermissions(attrs.permissions());
                if (!attrs.owner().equals(view.getOwner()) || !attrs.group().equals(view.readAttributes().group())) {
                    view.setOwner(attrs.owner());
                    view.setGroup(attrs.group());
                }
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
        } catch (IOException e) {
            throw new JrunException(file + ": cannot write: " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the original file is untouched either way
                }
            }
        }
    }
}
