package jrun.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jrun.JrunException;
import jrun.linux.DirFd;

/** ConfigFile's reads and atomic replaces through a directory fd (jrun.linux.DirFd, libjrun.so). */
class ConfigFileTest {
    @TempDir
    Path dir;

    @Test
    void replaceKeepsTheModeAndLeavesNoTempFile() throws IOException {
        Path f = Files.writeString(dir.resolve("config.json"), "{}");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        ConfigFile.replaceAtomically(f, "{\"a\":1}");
        assertEquals("{\"a\":1}", Files.readString(f));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        try (var l = Files.list(dir)) {
            assertEquals(List.of(f), l.toList());
        }
    }

    /** Not fsynced, the new file is swapped in (renameat2 RENAME_EXCHANGE) and the old one removed: same outcome as a rename. */
    @Test
    void aReplaceNotFsyncedSwapsTheFileInAndRemovesTheOldOneByName() throws IOException {
        Path f = Files.writeString(dir.resolve("config.json"), "{}");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        Path other = Files.createLink(dir.resolve("other-name"), f); // a second name of the old file: untouched
        Object oldInode = Files.getAttribute(f, "unix:ino");
        try (DirFd d = DirFd.open(dir)) {
            ConfigFile.replaceAtomically(d, "config.json", f, "{\"a\":1}", false);
            ConfigFile.replaceAtomically(d, "new.json", dir.resolve("new.json"), "{}", false); // nothing to swap with: a rename
        }
        assertEquals("{\"a\":1}", Files.readString(f));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertTrue(!oldInode.equals(Files.getAttribute(f, "unix:ino")), "config.json is a new file");
        assertEquals("{}", Files.readString(other));
        assertEquals(1, (int) Files.getAttribute(other, "unix:nlink"), "the old file's config.json name is gone");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("new.json"))));
        try (var l = Files.list(dir)) {
            assertEquals(List.of("config.json", "new.json", "other-name"), l.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void aNewFileIsPrivate() throws IOException {
        Path f = dir.resolve("new.json");
        ConfigFile.replaceAtomically(f, "{}");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }

    @Test
    void aSymlinkIsNeitherFollowedNorReplaced() throws IOException {
        Path target = Files.writeString(dir.resolve("target.json"), "{}");
        Path link = Files.createSymbolicLink(dir.resolve("config.json"), target);
        JrunException e = assertThrows(JrunException.class, () -> ConfigFile.replaceAtomically(link, "{\"a\":1}"));
        assertEquals(link + ": is a symbolic link, which is not followed here: put the file itself in its place", e.getMessage());
        try (DirFd d = DirFd.open(dir)) {
            e = assertThrows(JrunException.class, () -> ConfigFile.read(d, "config.json", link));
        }
        assertEquals(link + ": is a symbolic link, which is not followed here: put the file itself in its place", e.getMessage());
        assertEquals("{}", Files.readString(target));
        assertTrue(Files.isSymbolicLink(link));
    }

    @Test
    void aFifoIsNotReadNorWaitedFor() throws Exception {
        Path fifo = dir.resolve("config.json");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        try (DirFd d = DirFd.open(dir)) {
            JrunException e = assertThrows(JrunException.class, () -> ConfigFile.read(d, "config.json", fifo));
            assertEquals(fifo + ": not a regular file", e.getMessage());
            e = assertThrows(JrunException.class, () -> ConfigFile.replaceAtomically(d, "config.json", fifo, "{}"));
            assertEquals(fifo + ": not a regular file: not replaced", e.getMessage());
        }
    }

    @Test
    void aMissingFileAndADirectoryThatIsASymlinkAreNamed() throws IOException {
        Path real = Files.createDirectory(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        JrunException e = assertThrows(JrunException.class, () -> ConfigFile.replaceAtomically(link.resolve("config.json"), "{}"));
        assertEquals(link + ": cannot open the directory: not a directory (a symlink is not followed here)", e.getMessage());
        try (DirFd d = DirFd.open(real)) {
            e = assertThrows(JrunException.class, () -> ConfigFile.read(d, "config.json", real.resolve("config.json")));
        }
        assertEquals(real.resolve("config.json") + ": no such file", e.getMessage());
    }

    @Test
    void aFileOverTheLimitIsRefusedBeforeItIsParsed() throws IOException {
        Path f = dir.resolve("config.json");
        byte[] big = new byte[ConfigFile.MAX_BYTES + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        big[0] = '{';
        big[big.length - 1] = '}';
        Files.write(f, big);
        String expected = f + ": larger than the limit of 4194304 bytes; not read";
        assertEquals(expected, assertThrows(JrunException.class, () -> ConfigFile.read(f)).getMessage());
        assertEquals(expected, assertThrows(JrunException.class, () -> ConfigFile.readObject(f)).getMessage());
        try (DirFd d = DirFd.open(dir)) {
            assertEquals(expected, assertThrows(JrunException.class, () -> ConfigFile.read(d, "config.json", f)).getMessage());
        }
        Files.write(f, java.util.Arrays.copyOfRange(big, 1, big.length)); // exactly the limit: read
        big[1] = '{';
        Files.write(f, java.util.Arrays.copyOfRange(big, 1, big.length));
        assertEquals(java.util.Map.of(), ConfigFile.readObject(f));
    }
}
