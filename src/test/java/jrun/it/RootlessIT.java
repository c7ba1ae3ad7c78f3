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
        assertEquals("jrun: mounts[" + i + "].uidMappings: idmapped mounts cannot be made in rootless mode (they need root over the source's filesystem)\n",
                r.err());
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
