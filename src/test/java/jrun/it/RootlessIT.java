package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import jrun.spec.Json;
import jrun.spec.JsonNumber;
import jrun.testing.Busybox;
import jrun.testing.Cmd;
import jrun.testing.Require;
import jrun.testing.Sandbox;
import jrun.testing.TestUser;

/**
 * jrun without root: a real unprivileged user (TestUser, with /etc/subuid and /etc/subgid ranges)
 * runs a busybox bundle from `jrun spec --rootless` with no --root (so in $XDG_RUNTIME_DIR/jrun),
 * a lifecycle, maps of more than its own id (newuidmap/newgidmap), and run_oci -u. One user for
 * the class; what it left running is killed at the end.
 */
class RootlessIT {
    static TestUser user;
    static final String JRUN = Sandbox.JRUN.toString();

    @BeforeAll
    static void makeUser() throws Exception {
        user = TestUser.create();
    }

    @AfterAll
    static void removeUser() throws Exception {
        if (user != null) user.close();
    }

    /** A bundle with a busybox rootfs (the user's) and `jrun spec --rootless` run by the user; edit may change process.args and terminal only. */
    static Path bundle(String name, String... args) throws Exception {
        Path b = user.dir(name);
        Busybox.rootfs(b);
        user.own(b);
        Cmd.Result r = user.run(JRUN, "spec", "--rootless", "--bundle", b.toString());
        assertEquals(0, r.exit(), r.toString());
        Map<String, Object> c = Busybox.config(b);
        Sandbox.process(c).put("terminal", false);
        Sandbox.process(c).put("args", new ArrayList<Object>(List.of(args)));
        Busybox.writeConfig(b, c);
        return b;
    }

    @Test
    void aRootlessSpecRunsAsWritten() throws Exception {
        Path b = bundle("spec", "sh", "-c", "id -u; id -g; cat /proc/self/uid_map; ls -d /dev/pts/ptmx; exit 3");
        String config = Files.readString(b.resolve("config.json"));
        assertFalse(config.contains("gid=5"), "devpts's gid=5 is no id of a rootless container's");
        Cmd.Result r = user.run(JRUN, "run", "--bundle", b.toString(), "spec1");
        assertEquals(3, r.exit(), r.toString());
        String[] lines = r.out().split("\n");
        assertEquals("0", lines[0], r.toString());
        assertEquals("0", lines[1], r.toString());
        assertEquals(List.of("0", Integer.toString(user.uid), "1"), List.of(lines[2].trim().split("\\s+")), "the user is the container's root");
        assertEquals("", r.err());
        Path root = user.runtimeDir.resolve("jrun");
        assertTrue(Files.isDirectory(root), "the default root is $XDG_RUNTIME_DIR/jrun");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root)));
        assertFalse(Files.exists(root.resolve("spec1")), "run deleted the container");
    }

    /** Only process.args changed: a terminal, a read-only root, as `jrun spec --rootless` wrote them (script gives jrun a terminal). */
    @Test
    void aRootlessSpecWithItsTerminalRuns() throws Exception {
        Require.executable(Path.of("/usr/bin/script"), "bsdutils");
        Path b = user.dir("tty");
        Busybox.rootfs(b);
        user.own(b);
        assertEquals(0, user.run(JRUN, "spec", "--rootless", "--bundle", b.toString()).exit());
        Map<String, Object> c = Busybox.config(b);
        Sandbox.process(c).put("args", new ArrayList<Object>(List.of("sh", "-c", "tty; touch /ro 2>/dev/null || echo read-only; exit 4")));
        Busybox.writeConfig(b, c);
        Cmd.Result r = user.run("script", "-qec", JRUN + " run --bundle " + b + " tty1", "/dev/null");
        assertEquals(4, r.exit(), r.toString());
        assertTrue(r.out().contains("/dev/pts/0") && r.out().contains("read-only"), r.toString());
    }

    @Test
    void aDetachedLifecycle() throws Exception {
        Path b = bundle("life", "sleep", "1000");
        assertEquals(0, user.run(JRUN, "create", "--bundle", b.toString(), "life1").exit());
        String state = user.run(JRUN, "state", "life1").out();
        assertTrue(state.contains("\"status\": \"created\""), state);
        assertEquals(0, user.run(JRUN, "start", "life1").exit());
        state = user.run(JRUN, "state", "life1").out();
        assertTrue(state.contains("\"status\": \"running\""), state);
        Map<?, ?> st = (Map<?, ?>) Json.parse(state);
        long pid = ((JsonNumber) st.get("pid")).bigInteger().longValue();
        assertEquals(user.uid, (Integer) Files.getAttribute(Path.of("/proc/" + pid), "unix:uid"), "on the host it is the user's process");
        assertTrue(user.run(JRUN, "list").out().contains("life1"));
        assertEquals(0, user.run(JRUN, "exec", "--detach", "life1", "sleep", "999").exit());
        Cmd.Result ps = user.run(JRUN, "ps", "--format", "json", "life1");
        assertEquals(2, ((List<?>) Json.parse(ps.out())).size(), "no cgroup: the processes of its pid namespace: " + ps);
        Cmd.Result pause = user.run(JRUN, "pause", "life1");
        assertEquals(1, pause.exit());
        assertEquals("jrun: container life1 has no cgroup (made in rootless mode where none was writable), so it cannot pause; see docs/rootless.md\n",
                pause.err());
        Cmd.Result k = user.run(JRUN, "kill", "life1", "KILL");
        assertEquals(0, k.exit(), k.toString());
        for (int i = 0; i < 200 && ProcessHandle.of(pid).isPresent(); i++) Thread.sleep(10);
        Cmd.Result d = user.run(JRUN, "delete", "life1");
        assertEquals(0, d.exit(), d.toString());
        assertFalse(Files.exists(user.runtimeDir.resolve("jrun/life1")));
    }

    @Test
    void whatCannotBeHadRootlessIsNamed() throws Exception {
        Path b = bundle("limits", "true");
        Map<String, Object> c = Busybox.config(b);
        Sandbox.linux(c).put("resources", Json.parse("{\"pids\":{\"limit\":10}}"));
        Busybox.writeConfig(b, c);
        Cmd.Result r = user.run(JRUN, "run", "--bundle", b.toString(), "lim1");
        assertEquals(1, r.exit(), r.toString());
        assertEquals("jrun: linux.resources.pids.limit: cannot be applied in rootless mode: no cgroup here is writable by uid " + user.uid
                + " (a delegated cgroup v2 subtree is needed; see docs/rootless.md)\n", r.err());
        assertFalse(Files.exists(user.runtimeDir.resolve("jrun/lim1")), "nothing left");

        c = Busybox.config(b);
        Sandbox.linux(c).remove("resources");
        Sandbox.mounts(c).add(Json.parse("{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"rootfs/etc\",\"options\":[\"rbind\",\"idmap\"],"
                + "\"uidMappings\":[{\"containerID\":0,\"hostID\":" + user.uid + ",\"size\":1}],"
                + "\"gidMappings\":[{\"containerID\":0,\"hostID\":" + user.gid + ",\"size\":1}]}"));
        Busybox.writeConfig(b, c);
        r = user.run(JRUN, "run", "--bundle", b.toString(), "lim2");
        assertEquals(1, r.exit(), r.toString());
        int i = Sandbox.mounts(c).size() - 1;
        Cmd.Result noRoot = user.run(Map.of("XDG_RUNTIME_DIR", ""), JRUN, "list");
        assertEquals(1, noRoot.exit(), noRoot.toString());
        assertEquals("jrun: --root: no state directory for uid " + user.uid + ": set XDG_RUNTIME_DIR, or pass --root DIR\n", noRoot.err());
        assertEquals("jrun: mounts[" + i + "].uidMappings: idmapped mounts cannot be made in rootless mode (they need root over the source's filesystem)\n",
                r.err());
    }

    /** A v1 pids cgroup root chowned to the user (delegated): the container's cgroup is made there, with its limit, and removed at delete. */
    @Test
    void aCgroupTheUserOwnsTakesLimits() throws Exception {
        Path pids = Path.of("/sys/fs/cgroup/pids");
        Require.hostShape(Files.isRegularFile(pids.resolve("tasks")), "needs the v1 pids hierarchy: this host is cgroup v2 only");
        String parent = "/jrun-rootlessit-" + user.name;
        Path delegated = pids.resolve(parent.substring(1));
        Files.createDirectory(delegated);
        try {
            user.own(delegated);
            Path b = bundle("delegated", "sh", "-c", "grep pids /proc/self/cgroup; sleep 999");
            Map<String, Object> c = Busybox.config(b);
            Sandbox.linux(c).put("cgroupsPath", parent + "/d1");
            Sandbox.linux(c).put("resources", Json.parse("{\"pids\":{\"limit\":10}}"));
            Busybox.writeConfig(b, c);
            Cmd.Result r = user.run(JRUN, "create", "--bundle", b.toString(), "cg1");
            assertEquals(0, r.exit(), r.toString());
            assertEquals("10\n", Files.readString(delegated.resolve("d1/pids.max")));
            long pid = ((JsonNumber) ((Map<?, ?>) Json.parse(user.run(JRUN, "state", "cg1").out())).get("pid")).bigInteger().longValue();
            assertTrue(Files.readString(delegated.resolve("d1/cgroup.procs")).contains(Long.toString(pid)), "the init is in it");
            assertEquals(0, user.run(JRUN, "delete", "--force", "cg1").exit());
            assertFalse(Files.exists(delegated.resolve("d1")), "removed at delete");
        } finally {
            user.run(JRUN, "delete", "--force", "cg1");
            Sandbox.removeCgroups(parent);
        }
    }

    @Test
    void moreThanTheUsersOwnIdMapsThroughNewuidmap() throws Exception {
        Path b = bundle("subids", "sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map; touch /tmp/f; chown 1000:2000 /tmp/f; id");
        Map<String, Object> c = Busybox.config(b);
        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) c.get("root");
        root.put("readonly", false);
        String maps = "[{\"containerID\":0,\"hostID\":%d,\"size\":1},{\"containerID\":1,\"hostID\":" + user.subStart + ",\"size\":" + TestUser.SUB_SIZE + "}]";
        Sandbox.linux(c).put("uidMappings", Json.parse(maps.formatted(user.uid)));
        Sandbox.linux(c).put("gidMappings", Json.parse(maps.formatted(user.gid)));
        Sandbox.process(c).put("user", Json.parse("{\"uid\":0,\"gid\":0,\"additionalGids\":[5]}"));
        Sandbox.process(c).put("capabilities", Json.parse("{\"bounding\":[\"CAP_CHOWN\"],\"effective\":[\"CAP_CHOWN\"],\"permitted\":[\"CAP_CHOWN\"]}"));
        Busybox.writeConfig(b, c);
        Cmd.Result r = user.run(JRUN, "run", "--bundle", b.toString(), "sub1");
        assertEquals(0, r.exit(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertEquals(List.of("1", Long.toString(user.subStart), Long.toString(TestUser.SUB_SIZE)), List.of(lines.get(1).trim().split("\\s+")));
        assertEquals(List.of("1", Long.toString(user.subStart), Long.toString(TestUser.SUB_SIZE)), List.of(lines.get(3).trim().split("\\s+")));
        assertTrue(lines.get(4).endsWith(" groups=5"), "newgidmap leaves setgroups allowed: the additional gid is set: " + lines.get(4));
        Path f = b.resolve("rootfs/tmp/f");
        assertEquals(user.subStart + 999, ((Integer) Files.getAttribute(f, "unix:uid")).longValue());
        assertEquals(user.subStart + 1999, ((Integer) Files.getAttribute(f, "unix:gid")).longValue());
    }

    @Test
    void runOciUseCurrentUserAsAUser() throws Exception {
        Path b = bundle("runoci", "sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map; exit 4");
        Path state = user.dir("run_oci-state");
        Cmd.Result r = user.run(Map.of("RUN_OCI_STATE_ROOT", state.toString()), RunOciIT.RUN_OCI.toString(), "-u", "-c", b.toString(), "run", "ro1");
        assertEquals(4, r.exit(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertEquals(List.of("0", Integer.toString(user.uid), "1"), List.of(lines.get(0).trim().split("\\s+")));
        assertEquals(List.of("0", Integer.toString(user.gid), "1"), List.of(lines.get(1).trim().split("\\s+")), "the gid, not the uid");
        Cmd.Result d = user.run(Map.of("RUN_OCI_STATE_ROOT", state.toString()), RunOciIT.RUN_OCI.toString(), "destroy", "ro1");
        assertEquals(0, d.exit(), d.toString());
    }
}
