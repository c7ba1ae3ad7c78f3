package jrun.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** readInRoot resolves symlinks as the container would: nothing leads out of the root. */
class RealHostFilesTest {
    @TempDir Path dir;

    @Test
    void readsAndFollowsLinksInsideTheRoot() throws IOException {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve("data"));
        Files.writeString(root.resolve("data/passwd"), "root:x:0:0::/root:/bin/sh\n");
        Files.createDirectories(root.resolve("etc"));
        Files.createSymbolicLink(root.resolve("etc/passwd"), Path.of("/data/passwd"));
        assertEquals("root:x:0:0::/root:/bin/sh\n", new RealHostFiles().readInRoot(root, "/etc/passwd"));
        Files.createSymbolicLink(root.resolve("etc2"), Path.of("etc"));
        assertEquals("root:x:0:0::/root:/bin/sh\n", new RealHostFiles().readInRoot(root, "/etc2/./passwd"));
        assertNull(new RealHostFiles().readInRoot(root, "/etc/missing"));
        assertNull(new RealHostFiles().readInRoot(root, "/data"), "a directory is not read");
    }

    @Test
    void symlinksNeverLeaveTheRoot() throws IOException {
        Path secret = Files.writeString(dir.resolve("secret"), "host secret\n");
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve("etc"));
        // absolute, with .. climbing past /, and relative climbing: all stay under root
        Files.createSymbolicLink(root.resolve("etc/passwd"), Path.of("/../../../.." + secret));
        assertNull(new RealHostFiles().readInRoot(root, "/etc/passwd"));
        Files.delete(root.resolve("etc/passwd"));
        Files.createSymbolicLink(root.resolve("etc/passwd"), Path.of("../../../../../../.." + secret));
        assertNull(new RealHostFiles().readInRoot(root, "/etc/passwd"));
        assertNull(new RealHostFiles().readInRoot(root, "/../secret"));
        // the same path inside the root is what a link to it means
        Files.createDirectories(root.resolve(secret.getParent().toString().substring(1)));
        Files.writeString(root.resolve(secret.toString().substring(1)), "inside\n");
        assertEquals("inside\n", new RealHostFiles().readInRoot(root, "/etc/passwd"));
    }

    @Test
    void symlinkLoopsEndInNull() throws IOException {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createSymbolicLink(root.resolve("a"), Path.of("b"));
        Files.createSymbolicLink(root.resolve("b"), Path.of("a"));
        assertNull(new RealHostFiles().readInRoot(root, "/a"));
    }
}
