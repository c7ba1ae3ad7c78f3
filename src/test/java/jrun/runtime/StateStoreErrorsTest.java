package jrun.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import jrun.JrunException;

/**
 * StateStore's failures on a plain temp directory (any user): a state.json that is garbage,
 * truncated or not a file, a lock that cannot be taken, a write or rename that fails. Each is one
 * line naming the file, and leaves the old state and no temp file behind. The failures that need
 * root (a full file system, an immutable directory) are in StateStoreErrorsIT.
 */
class StateStoreErrorsTest {
    @TempDir
    Path root;

    static ContainerState state(String id) {
        return new ContainerState(id, Status.CREATED, 42, 7, "/b", "/b/rootfs", "2026-11-22T00:00:00Z", Map.of(), List.of(), Map.of());
    }

    /** The one-line error of what, which starts with prefix (the file at fault). */
    static String fails(Executable what, String prefix) {
        String m = assertThrows(JrunException.class, what).getMessage();
        assertTrue(m.startsWith(prefix), m);
        assertFalse(m.contains("\n"), "one line: " + m);
        return m;
    }

    static List<String> names(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private StateStore saved(String id) {
        StateStore store = new StateStore(root);
        try (StateStore.Lock l = store.createAndLock(id)) {
            store.save(state(id));
        }
        return store;
    }

    @Test
    void garbageTruncatedOrIncompleteStateIsCorrupt() throws Exception {
        StateStore store = saved("c");
        Path f = root.resolve("c/state.json");
        String good = Files.readString(f);
        for (String bad : List.of("garbage\n", good.substring(0, good.length() / 2), "", "{}", "[1, 2]",
                good.replace("\"status\": \"created\"", "\"status\": \"sleeping\"").replace("\"status\":\"created\"", "\"status\":\"sleeping\""))) {
            Files.writeString(f, bad);
            String m = fails(() -> store.load("c"), f + ": corrupt state: ");
            assertTrue(m.length() > (f + ": corrupt state: ").length(), "says what is wrong: " + m);
            assertEquals(bad, Files.readString(f), "a failed load changes nothing");
        }
        assertEquals(List.of(), store.ids().stream().filter(i -> !i.equals("c")).toList());
        assertEquals(List.of("lock", "state.json"), names(root.resolve("c")));
    }

    @Test
    void aStateJsonThatIsNotAFileCannotBeRead() throws Exception {
        StateStore store = saved("d");
        Path f = root.resolve("d/state.json");
        Files.delete(f);
        Files.createDirectory(f);
        String m = fails(() -> store.load("d"), f + ": cannot read: ");
        assertTrue(m.contains("Is a directory"), m);
        // gone altogether: the container does not exist (what callers match)
        Files.delete(f);
        assertEquals("container d does not exist", fails(() -> store.load("d"), "container d"));
    }

    @Test
    void aLockThatIsADirectoryCannotBeTaken() throws Exception {
        StateStore store = new StateStore(root);
        Files.createDirectories(root.resolve("e/lock"));
        String m = fails(() -> store.lock("e"), root.resolve("e/lock") + ": cannot lock: ");
        assertTrue(m.contains("Is a directory"), m);
        assertEquals(List.of("lock"), names(root.resolve("e")), "nothing made beside it");
    }

    @Test
    void aStateRootThatIsAFileGivesNoStateDirectory() throws Exception {
        Path file = Files.writeString(root.resolve("file"), "x");
        StateStore store = new StateStore(file.resolve("sub"));
        String m = fails(() -> store.createAndLock("f"), file.resolve("sub/f") + ": cannot create the state directory: ");
        assertTrue(m.contains("Not a directory"), m);
        assertEquals("x", Files.readString(file));
    }

    @Test
    void aSaveWhoseRenameFailsKeepsTheOldStateAndNoTempFile() throws Exception {
        StateStore store = new StateStore(root);
        Path f = root.resolve("g/state.json");
        try (StateStore.Lock l = store.createAndLock("g")) {
            // state.json is a directory with something in it: rename(2) over it fails
            Files.createDirectories(f.resolve("keep"));
            fails(() -> store.save(state("g")), f + ": cannot write: ");
            assertEquals(List.of("lock", "state.json"), names(root.resolve("g")), "no temp file left");
            assertEquals(List.of("keep"), names(f));
            // the same for a create's draft, at its commit
            StateStore.Draft d = store.draft(state("g"));
            fails(() -> d.commit(42, 7), f + ": cannot write: ");
            d.close();
            assertEquals(List.of("lock", "state.json"), names(root.resolve("g")), "no temp file left by the draft");
        }
    }

    @Test
    void anEntryInTheTempFilesWayIsLeftAloneAndDoesNotBlockASave() throws Exception {
        // Temp files have random names made O_EXCL (jrun.linux.DirFd), so what sits at a fixed
        // temp name (the old scheme's, or a planted one) neither blocks a save nor is deleted by
        // it; a temp file that cannot be made at all (a full or inode-less /run) is StateErrorsIT's.
        StateStore store = saved("h");
        Path tmp = Files.createDirectories(root.resolve("h/.state.json.tmp/keep"));
        store.save(state("h").with(Status.RUNNING));
        assertEquals(state("h").with(Status.RUNNING), store.load("h"));
        try (StateStore.Draft d = store.draft(state("h"))) {
            d.commit(42, 7);
        }
        assertEquals(42, store.load("h").pid());
        assertTrue(Files.isDirectory(tmp), "what was in the way is not ours to delete");
        assertEquals(List.of(".state.json.tmp", "lock", "state.json"), names(root.resolve("h")), "no temp file of ours left");
    }
}
