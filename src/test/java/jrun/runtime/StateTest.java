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
import org.junit.jupiter.api.io.TempDir;

import jrun.JrunException;

class StateTest {
    @TempDir
    Path root;

    static ContainerState state(String id, Status s, long pid, long start) {
        return new ContainerState(id, s, pid, start, "/b", "/b/rootfs", "2026-11-22T00:00:00Z", Map.of("a", "b"),
                List.of("/sys/fs/cgroup/x"), Map.of("poststop", List.of(Map.of("path", "/bin/true"))));
    }

    @Test
    void idsAreValidated() {
        assertEquals("abc_1.2-3+x", ContainerId.validate("abc_1.2-3+x"));
        for (String bad : List.of("", ".", "..", "a/b", "../x", "a b", "é"))
            assertEquals(2, assertThrows(JrunException.class, () -> ContainerId.validate(bad)).exitCode(), bad);
    }

    @Test
    void statusTransitions() {
        assertTrue(Status.CREATED.canStart());
        assertFalse(Status.RUNNING.canStart());
        assertFalse(Status.STOPPED.canStart());
        assertFalse(Status.STOPPED.canKill());
        assertTrue(Status.CREATED.canKill());
        assertFalse(Status.RUNNING.canDelete(false));
        assertTrue(Status.RUNNING.canDelete(true));
        assertTrue(Status.STOPPED.canDelete(false));
    }

    @Test
    void stateRoundTripsAndIsAtomic() throws Exception {
        StateStore store = new StateStore(root);
        try (StateStore.Lock l = store.createAndLock("c1")) {
            store.save(state("c1", Status.CREATED, 42, 7));
        }
        assertEquals(state("c1", Status.CREATED, 42, 7), store.load("c1"));
        assertEquals(List.of("c1"), store.ids());
        try (var files = Files.list(root.resolve("c1"))) {
            assertEquals(List.of("lock", "state.json"), files.map(p -> p.getFileName().toString()).sorted().toList(), "no temp files left");
        }
        JrunException dup = assertThrows(JrunException.class, () -> store.createAndLock("c1"));
        assertEquals("container with id c1 already exists", dup.getMessage());
        store.remove("c1");
        assertEquals("container c1 does not exist", assertThrows(JrunException.class, () -> store.lock("c1")).getMessage());
        assertEquals(List.of(), store.ids());
    }

    @Test
    void aDraftIsTheSavedStateOnceCommittedAndNothingOtherwise() throws Exception {
        StateStore store = new StateStore(root);
        try (StateStore.Lock l = store.createAndLock("c2")) {
            ContainerState st = state("c2", Status.CREATED, 0, 0);
            StateStore.Draft d = store.draft(st);
            assertFalse(Files.exists(root.resolve("c2/state.json")), "nothing in place before the commit");
            d.commit(42, 7);
            d.close(); // after a commit: a no-op
            assertEquals(st.withPid(42, 7), store.load("c2"));
            assertEquals(st.withPid(42, 7).toJson(), Files.readString(root.resolve("c2/state.json")));

            store.draft(st.with(Status.RUNNING)).close(); // abandoned: the committed state stays
            assertEquals(st.withPid(42, 7), store.load("c2"));
            try (var files = Files.list(root.resolve("c2"))) {
                assertEquals(List.of("lock", "state.json"), files.map(p -> p.getFileName().toString()).sorted().toList(), "no temp files left");
            }
        }
    }

    @Test
    void deadOrReusedPidIsStopped() {
        long me = ProcessHandle.current().pid();
        long start = ProcStat.liveStartTime(me);
        assertTrue(start > 0);
        assertEquals(Status.RUNNING, StateStore.liveStatus(state("x", Status.RUNNING, me, start)));
        assertEquals(Status.STOPPED, StateStore.liveStatus(state("x", Status.RUNNING, me, start + 1)), "pid reuse: other start time");
        assertEquals(Status.STOPPED, StateStore.liveStatus(state("x", Status.RUNNING, 0, 0)));
    }

    @Test
    void specStateHidesPidOnceStopped() {
        String running = state("c", Status.RUNNING, 42, 7).specStateJson(Status.RUNNING);
        assertTrue(running.contains("\"pid\": 42") && running.contains("\"status\": \"running\""), running);
        assertTrue(running.contains("\"annotations\""));
        assertTrue(state("c", Status.RUNNING, 42, 7).specStateJson(Status.STOPPED).contains("\"pid\": 0"));
    }

    @Test
    void signals() {
        assertEquals(9, Signals.parse("9"));
        assertEquals(9, Signals.parse("KILL"));
        assertEquals(9, Signals.parse("SIGKILL"));
        assertEquals(15, Signals.parse("sigterm"));
        assertEquals(34, Signals.parse("RTMIN"));
        assertEquals(36, Signals.parse("SIGRTMIN+2"));
        assertEquals(0, Signals.parse("0"), "a probe, as runc takes it");
        for (String bad : List.of("65", "FOO", "", "RTMIN+40"))
            assertThrows(JrunException.class, () -> Signals.parse(bad), bad);
    }

    @Test
    void cgroupPaths() {
        var h = List.of(new jrun.linux.CgroupHierarchy("/sys/fs/cgroup/memory", false, "memory", "/process_api/p", "/"),
                new jrun.linux.CgroupHierarchy("/sys/fs/cgroup/cpu", false, "cpu", "/", "/"));
        assertEquals(Map.of("/sys/fs/cgroup/memory", "/process_api/p/jrun-c", "/sys/fs/cgroup/cpu", "/jrun-c"), CgroupPlacement.paths("", "jrun-c", h));
        String a = CgroupPlacement.defaultName(Path.of("/run/a"), "c"), b = CgroupPlacement.defaultName(Path.of("/run/b"), "c");
        assertTrue(a.matches("jrun-[0-9a-f]{8}-c") && !a.equals(b), a + " " + b);
        assertEquals(a, CgroupPlacement.defaultName(Path.of("/run/a/"), "c"));
        assertEquals(Map.of("/sys/fs/cgroup/memory", "/abs/x", "/sys/fs/cgroup/cpu", "/abs/x"), CgroupPlacement.paths("/abs/x/", "jrun-c", h));
        assertThrows(JrunException.class, () -> CgroupPlacement.paths("system.slice:docker:abc", "jrun-c", h));
        assertThrows(JrunException.class, () -> CgroupPlacement.paths("../../etc", "jrun-c", h));
    }

    @Test
    void cgroupCreateAndRemoveOnFixtureFiles() throws Exception {
        Path top = Files.createDirectories(root.resolve("cpuset"));
        Files.writeString(top.resolve("cpuset.cpus"), "0-1\n");
        List<String> dirs = CgroupPlacement.create(Map.of(top.toString(), "/a/b"));
        assertEquals(List.of(top + "/a/b"), dirs);
        assertTrue(Files.isDirectory(top.resolve("a/b")));
        Files.writeString(top.resolve("a/b/cgroup.procs"), "4242\n");
        assertEquals("linux.cgroupsPath: cgroup " + top + "/a/b already holds processes of something else",
                assertThrows(JrunException.class, () -> CgroupPlacement.create(Map.of(top.toString(), "/a/b"))).getMessage());
        Files.delete(top.resolve("a/b/cgroup.procs"));
        CgroupPlacement.remove(dirs);
        assertFalse(Files.exists(top.resolve("a/b")));
    }
}
