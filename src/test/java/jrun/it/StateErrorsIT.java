package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import jrun.JrunException;
import jrun.runtime.ContainerState;
import jrun.runtime.StateStore;
import jrun.runtime.Status;
import jrun.spec.Json;
import jrun.testing.Cmd;
import jrun.testing.Sandbox;

/**
 * The state store's failures that need root to make: a full file system (no blocks, or no
 * inodes), a read-only one, an immutable directory; and a state.json that is garbage, seen through
 * bin/jrun. Each fails with one line naming the file, a non-zero status, and leaves the old state,
 * no temp file and no half-made container (each tmpfs is private to the test's sandbox).
 */
@Timeout(180)
class StateErrorsIT extends WithSandbox {
    static ContainerState state(String id) {
        return new ContainerState(id, Status.CREATED, 42, 7, "/b", "/b/rootfs", "2026-11-22T00:00:00Z", Map.of(), List.of(), Map.of());
    }

    static String fails(org.junit.jupiter.api.function.Executable what, String prefix) {
        String m = assertThrows(JrunException.class, what).getMessage();
        assertTrue(m.startsWith(prefix), m);
        assertFalse(m.contains("\n"), "one line: " + m);
        return m;
    }

    static List<String> names(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** A tmpfs of its own at dir, with these options. */
    static Path tmpfs(Path dir, String options) throws IOException {
        Files.createDirectories(dir);
        Cmd.ok("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString());
        return dir;
    }

    /** Fills the file system of dir with data until it is full (ENOSPC). */
    static Path fill(Path dir) throws IOException {
        Path f = dir.resolve("filler");
        try (FileOutputStream out = new FileOutputStream(f.toFile())) {
            byte[] b = new byte[4096];
            for (int i = 0; i < 1 << 20; i++) out.write(b);
            throw new AssertionError("the tmpfs at " + dir + " never filled up");
        } catch (IOException e) {
            assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
        }
        return f;
    }

    /** Uses up the inodes of dir's file system but one (in dir/fill). */
    static void fillInodes(Path dir) throws IOException {
        Path d = Files.createDirectory(dir.resolve("fill"));
        int n = 0;
        try {
            for (; n < 100_000; n++) Files.createFile(d.resolve("f" + n));
            throw new AssertionError("the tmpfs at " + dir + " never ran out of inodes");
        } catch (IOException e) {
            assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
        }
        Files.delete(d.resolve("f" + (n - 1)));
    }

    @Test
    void aFullFileSystemFailsTheWriteAndKeepsTheOldState() throws Exception {
        Path m = tmpfs(sb.dir.resolve("full"), "size=8k,mode=0700");
        StateStore store = new StateStore(m);
        Path f = m.resolve("c/state.json");
        try (StateStore.Lock l = store.createAndLock("c")) {
            store.save(state("c"));
            String before = Files.readString(f);
            fill(m);
            String msg = fails(() -> store.save(state("c").with(Status.RUNNING)), f + ": cannot write: ");
            assertTrue(msg.endsWith("No space left on device"), msg);
            assertEquals(before, Files.readString(f));
            fails(() -> store.draft(state("c").with(Status.RUNNING)), f + ": cannot write: ");
            assertEquals(before, Files.readString(f));
            assertEquals(List.of("lock", "state.json"), names(m.resolve("c")), "no temp file left");
        }
        // read-only (remounted once the lock's fd is closed): the same, and the state is still readable
        Files.delete(m.resolve("filler"));
        Cmd.ok("mount", "-o", "remount,ro", m.toString());
        String msg = fails(() -> store.save(state("c").with(Status.RUNNING)), f + ": cannot write: ");
        assertTrue(msg.contains("Read-only file system"), msg);
        assertEquals(state("c"), store.load("c"));
        fails(() -> store.remove("c"), m.resolve("c") + ": cannot remove the state directory: ");
        assertEquals(state("c"), store.load("c"), "a failed remove leaves the state as it was");
    }

    @Test
    void aStateDirectoryWithoutInodesForItsLockIsNotLeftBehind() throws Exception {
        Path m = tmpfs(sb.dir.resolve("inodes"), "size=1m,nr_inodes=16,mode=0700");
        fillInodes(m);
        StateStore store = new StateStore(m);
        String msg = fails(() -> store.createAndLock("c"), m.resolve("c/lock") + ": cannot lock: ");
        assertTrue(msg.endsWith("No space left on device"), msg);
        assertEquals(List.of("fill"), names(m), "the state directory made for the lock is gone again");
        // the id stays free: with an inode back, it can be created
        try (var fillers = Files.list(m.resolve("fill"))) {
            Files.delete(fillers.findFirst().orElseThrow());
        }
        store.createAndLock("c").close();
    }

    @Test
    void anImmutableStateDirectoryFailsEachWriteCleanly() throws Exception {
        StateStore store = new StateStore(sb.dir.resolve("state"));
        Path d = sb.dir.resolve("state/c"), f = d.resolve("state.json");
        try (StateStore.Lock l = store.createAndLock("c")) {
            store.save(state("c"));
            Cmd.ok("chattr", "+i", d.toString());
            try {
                String msg = fails(() -> store.save(state("c").with(Status.RUNNING)), f + ": cannot write: ");
                assertTrue(msg.contains("Operation not permitted"), msg);
                fails(() -> store.remove("c"), d + ": cannot remove the state directory: ");
                assertEquals(List.of("lock", "state.json"), names(d));
                assertEquals(state("c"), store.load("c"));
            } finally {
                Cmd.ok("chattr", "-i", d.toString());
            }
            store.remove("c");
            assertFalse(Files.exists(d));
        }
        // a state root nobody may add to: no directory for the new container
        Cmd.ok("chattr", "+i", store.root().toString());
        try {
            fails(() -> store.createAndLock("x"), store.root().resolve("x") + ": cannot create the state directory: ");
        } finally {
            Cmd.ok("chattr", "-i", store.root().toString());
        }
        assertEquals(List.of(), names(store.root()));
    }

    /** The pid of the container's init, and its status, as `jrun state` says. */
    private Map<?, ?> state(String id, boolean ok) {
        Sandbox.Result r = sb.jrun("state", id);
        if (ok) r.ok();
        return (Map<?, ?>) Json.parse(r.out());
    }

    @Test
    void aStartThatCannotSaveItsStateDoesNotStartTheContainer() throws Exception {
        tmpfs(sb.jrunRoot, "size=64k,mode=0700");
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sh", "-c", "echo ran > /tmp/ran; sleep 1000"));
        sb.jrun("create", "--bundle", b.toString(), "s1").ok();
        Path filler = fill(sb.jrunRoot);
        Sandbox.Result r = sb.jrun("start", "s1");
        assertEquals(1, r.status(), r.err());
        assertEquals(sb.jrunRoot.resolve("s1/state.json") + ": cannot write: No space left on device", r.err().strip().replace("jrun: ", ""));
        assertEquals("", r.out());
        Thread.sleep(200); // a released init would have run by now
        assertFalse(Files.exists(b.resolve("rootfs/tmp/ran")), "the container ran though start failed");
        assertEquals("created", state("s1", true).get("status"));
        assertTrue(Files.exists(sb.jrunRoot.resolve("s1/exec.fifo")));
        // room again: the same start works
        Files.delete(filler);
        sb.jrun("start", "s1").ok();
        assertEquals("running", state("s1", true).get("status"));
        sb.jrun("delete", "-f", "s1").ok();
        assertEquals(List.of(), names(sb.jrunRoot));
    }

    /**
     * With the state's file system full: exec writes nothing there and runs; a create fails with
     * one line naming its state file and leaves nothing; kill and delete (which only remove) work
     * and leave nothing; with room again, the id is free.
     */
    @Test
    void aFullStateFileSystemStillExecsKillsAndDeletes() throws Exception {
        tmpfs(sb.jrunRoot, "size=64k,mode=0700");
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        sb.jrun("run", "--detach", "--bundle", b.toString(), "e1").ok();
        Path filler = fill(sb.jrunRoot);
        Sandbox.Result r = sb.jrun("exec", "e1", "sh", "-c", "echo in");
        assertEquals(0, r.status(), r.err());
        assertEquals("in\n", r.out());
        sb.jrun("exec", "--detach", "e1", "sleep", "1").ok();
        r = sb.jrun("create", "--bundle", b.toString(), "e2");
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().startsWith("jrun: " + sb.jrunRoot.resolve("e2") + "/") && r.err().strip().endsWith("No space left on device"), r.err());
        assertEquals(1, r.err().strip().split("\n").length, "one line: " + r.err());
        assertEquals(List.of("e1", "filler"), names(sb.jrunRoot), "nothing of e2");
        for (String dir : sb.cgroupDirs("e2")) assertFalse(Files.exists(Path.of(dir)), "cgroup left: " + dir);
        sb.jrun("kill", "e1", "KILL").ok();
        for (int i = 0; i < 200 && !"stopped".equals(state("e1", true).get("status")); i++) Thread.sleep(10);
        sb.jrun("delete", "e1").ok();
        assertEquals(List.of("filler"), names(sb.jrunRoot));
        for (String dir : sb.cgroupDirs("e1")) assertFalse(Files.exists(Path.of(dir)), "cgroup left: " + dir);
        LifecycleErrorsIT.noProcessLeft(sb);
        Files.delete(filler);
        sb.jrun("run", "--detach", "--bundle", b.toString(), "e2").ok();
        sb.jrun("delete", "--force", "e2").ok();
        assertEquals(List.of(), names(sb.jrunRoot));
    }

    /** A full state file system for delete --force of a running container: it goes whole. */
    @Test
    void aFullStateFileSystemStillDeletesByForce() throws Exception {
        tmpfs(sb.jrunRoot, "size=64k,nr_inodes=64,mode=0700");
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        sb.jrun("run", "--detach", "--bundle", b.toString(), "f1").ok();
        Path filler = fill(sb.jrunRoot);
        fillInodes(sb.jrunRoot);
        sb.jrun("delete", "--force", "f1").ok();
        assertEquals(List.of("filler", "fill"), names(sb.jrunRoot).stream().sorted(java.util.Comparator.reverseOrder()).toList());
        for (String dir : sb.cgroupDirs("f1")) assertFalse(Files.exists(Path.of(dir)), "cgroup left: " + dir);
        LifecycleErrorsIT.noProcessLeft(sb);
        Files.delete(filler);
    }

    @Test
    void aCreateWhoseStateRootHasNoInodesLeavesNothing() throws Exception {
        tmpfs(sb.jrunRoot, "size=1m,nr_inodes=16,mode=0700");
        fillInodes(sb.jrunRoot);
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        Sandbox.Result r = sb.jrun("create", "--bundle", b.toString(), "n1");
        assertEquals(1, r.status(), r.err());
        assertEquals("jrun: " + sb.jrunRoot.resolve("n1/lock") + ": cannot lock: No space left on device", r.err().strip());
        assertEquals(List.of("fill"), names(sb.jrunRoot), "no state directory left");
        for (String dir : sb.cgroupDirs("n1")) assertFalse(Files.exists(Path.of(dir)), "cgroup left: " + dir);
    }

    @Test
    void garbageStateIsNamedByEveryCommandAndListWarnsOfIt() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        sb.jrun("create", "--bundle", b.toString(), "good").ok();
        sb.jrun("create", "--bundle", b.toString(), "bad").ok();
        Path f = sb.jrunRoot.resolve("bad/state.json");
        String saved = Files.readString(f);
        try {
            Files.writeString(f, "garbage\n");
            Path process = Files.writeString(sb.dir.resolve("process.json"), "{\"args\": [\"true\"], \"cwd\": \"/\"}");
            for (List<String> cmd : List.of(List.of("state", "bad"), List.of("start", "bad"), List.of("kill", "bad"), List.of("delete", "bad"),
                    List.of("ps", "bad"), List.of("pause", "bad"), List.of("exec", "bad", "true"),
                    List.of("exec", "--process", process.toString(), "bad"))) {
                Sandbox.Result r = sb.jrun(cmd.toArray(String[]::new));
                assertEquals(1, r.status(), cmd + ": " + r.err());
                assertEquals("jrun: " + f + ": corrupt state: unexpected 'g', expected a value", r.err().strip(), cmd.toString());
                assertEquals("", r.out(), cmd.toString());
            }
            // list shows the others, and says (on stderr) what it cannot read, as runc does
            Sandbox.Result list = sb.jrun("list", "-q");
            assertEquals(0, list.status(), list.err());
            assertEquals("good", list.out().strip());
            assertEquals("jrun: warning: " + f + ": corrupt state: unexpected 'g', expected a value", list.err().strip());
        } finally {
            Files.writeString(f, saved); // its init is deleted with it, even when this test fails
        }
        sb.jrun("delete", "--force", "bad").ok();
        sb.jrun("delete", "--force", "good").ok();
    }
}
