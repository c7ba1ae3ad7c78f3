package jrun.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * readInRoot resolves symlinks as the container would: nothing leads out of the root. Both ways:
 * libjrun.so's openat2 (loaded here from the built tree, as the launcher has the JVM load it) and
 * the Java walk that stands in without the library.
 */
class RealHostFilesTest {
    @TempDir Path dir;

    @BeforeAll
    static void loadLibrary() {
        System.load(jrun.testing.Home.dir().resolve("lib/jrun/libjrun.so").toString());
    }

    /** readInRoot both ways, which must agree. */
    static String read(Path root, String path) {
        String walked = RealHostFiles.readInRootWalking(root, path), opened = RealHostFiles.readInRootNative(root, path);
        assertEquals(walked, opened, "the Java walk and openat2 disagree on " + path);
        return opened;
    }

    @Test
    void readsAndFollowsLinksInsideTheRoot() throws IOException {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve("data"));
        Files.writeString(root.resolve("data/passwd"), "root:x:0:0::/root:/bin/sh\n");
        Files.createDirectories(root.resolve("etc"));
        Files.createSymbolicLink(root.resolve("etc/passwd"), Path.of("/data/passwd"));
        assertEquals("root:x:0:0::/root:/bin/sh\n", read(root, "/etc/passwd"));
        Files.createSymbolicLink(root.resolve("etc2"), Path.of("etc"));
        assertEquals("root:x:0:0::/root:/bin/sh\n", read(root, "/etc2/./passwd"));
        assertNull(read(root, "/etc/missing"));
        assertNull(read(root, "/data"), "a directory is not read");
        Files.writeString(root.resolve("data/big"), "x".repeat((int) RealHostFiles.MAX_IN_ROOT + 1));
        assertNull(read(root, "/data/big"), "nor a file above the limit");
        assertNull(RealHostFiles.readInRootNative(root.resolve("missing"), "/etc/passwd"), "nor a root that is not there");
    }

    @Test
    void symlinksNeverLeaveTheRoot() throws IOException {
        Path secret = Files.writeString(dir.resolve("secret"), "host secret\n");
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve("etc"));
        // absolute, with .. climbing past /, and relative climbing: all stay under root
        Files.createSymbolicLink(root.resolve("etc/passwd"), Path.of("/../../../.." + secret));
        assertNull(read(root, "/etc/passwd"));
        Files.delete(root.resolve("etc/passwd"));
        Files.createSymbolicLink(root.resolve("etc/passwd"), Path.of("../../../../../../.." + secret));
        assertNull(read(root, "/etc/passwd"));
        assertNull(read(root, "/../secret"));
        // the same path inside the root is what a link to it means
        Files.createDirectories(root.resolve(secret.getParent().toString().substring(1)));
        Files.writeString(root.resolve(secret.toString().substring(1)), "inside\n");
        assertEquals("inside\n", read(root, "/etc/passwd"));
    }

    @Test
    void aFifoIsNotOpened() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve("etc"));
        jrun.testing.Cmd.ok("mkfifo", root.resolve("etc/passwd").toString());
        assertNull(read(root, "/etc/passwd"), "a FIFO would block jrun until a writer came");
    }

    @Test
    void symlinkLoopsEndInNull() throws IOException {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createSymbolicLink(root.resolve("a"), Path.of("b"));
        Files.createSymbolicLink(root.resolve("b"), Path.of("a"));
        assertNull(read(root, "/a"));
    }
}
