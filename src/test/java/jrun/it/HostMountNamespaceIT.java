package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import jrun.linux.ProcFiles;
import jrun.spec.Json;
import jrun.testing.Cmd;
import jrun.testing.Sandbox;

/**
 * Issue 14 item 4: a config without a `mount` namespace runs in the host's mount namespace (runc:
 * a chroot), and every mount jrun makes there for it is gone after delete, delete --force and a
 * failed create; runc, the control, leaves its mounts behind. The bundles live under a shared
 * tmpfs with a peer bind of it (peer/), so propagation to a peer shows too. Every mount here is
 * under the sandbox's private directory; WithSandbox unmounts it all, deepest first, before any
 * delete, also when a test fails.
 */
@SuppressWarnings("unchecked")
class HostMountNamespaceIT extends WithSandbox {
    Path shared, peer;

    @BeforeEach
    void sharedTmpfs() throws Exception {
        shared = Files.createDirectories(sb.dir.resolve("shared"));
        peer = Files.createDirectories(sb.dir.resolve("peer"));
        Cmd.ok("mount", "-t", "tmpfs", "-o", "size=64m", "jrun-it-shared", shared.toString());
        Cmd.ok("mount", "--make-shared", shared.toString());
        Cmd.ok("mount", "--bind", shared.toString(), peer.toString()); // a peer of shared: what is mounted in one appears in the other
    }

    @AfterEach
    void unmountShared() throws Exception {
        Sandbox.unmountAll(sb.dir); // before the sandbox's close, which deletes containers first; it unmounts again
    }

    /** A bundle under shared/ without a mount namespace, and without masked or read-only paths (runc refuses those without one). */
    private Path bundle(String name, String... args) throws Exception {
        return sb.bundle("shared/" + name, c -> {
            Sandbox.args(c, args);
            Map<String, Object> linux = Sandbox.linux(c);
            @SuppressWarnings("unchecked")
            List<Object> ns = (List<Object>) linux.get("namespaces");
            assertTrue(ns.removeIf(n -> "mount".equals(((Map<?, ?>) n).get("type"))), "the default config has a mount namespace");
            linux.remove("maskedPaths");
            linux.remove("readonlyPaths");
        });
    }

    /** The mountinfo lines that name dir, on the host (this JVM's mount namespace is the host's). */
    private static List<String> traces(Path dir) throws Exception {
        return ProcFiles.read(Path.of("/proc/self/mountinfo")).lines().filter(l -> l.contains(dir.toString())).toList();
    }

    @Test
    void runsInTheHostsMountNamespaceAndDeleteUndoesEveryMount() throws Exception {
        Path b = bundle("j", "sh", "-c", "sleep 1000");
        sb.jrun("create", "--bundle", b.toString(), "j1").ok();
        sb.jrun("start", "j1").ok();
        List<String> during = Sandbox.mountsUnder(b);
        assertTrue(during.contains(b.resolve("rootfs/proc").toString()) && during.contains(b.resolve("rootfs/dev").toString()), during.toString());
        // exec enters the container's root, not the host's (runc 1.1.5's exec lands in the host's /)
        assertEquals("bin\ndev\netc\nproc\nsys\ntmp\n", sb.jrun("exec", "j1", "ls", "/").ok().out());
        assertEquals("sleep1000", sb.jrun("exec", "j1", "cat", "/proc/1/cmdline").ok().out().replace("\0", ""));
        // the init shares the host's mount namespace
        String pid = ((Map<?, ?>) Json.parse(sb.jrun("state", "j1").ok().out())).get("pid").toString();
        assertEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")), Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/mnt")));
        // the rootfs itself reaches the peer (a bind on a shared parent always does), nothing mounted below it
        assertEquals(List.of(peer.resolve("j/rootfs").toString()), Sandbox.mountsUnder(peer.resolve("j")));
        String record = Files.readString(sb.jrunRoot.resolve("j1/host-mounts"));
        assertTrue(record.contains(" " + b.resolve("rootfs/proc") + "\n") && record.startsWith("rootfs " + b.resolve("rootfs") + "\n"), record);

        sb.jrun("delete", "--force", "j1").ok();
        assertEquals(List.of(), traces(b), "jrun left mounts of its bundle on the host");
        assertEquals(List.of(), Sandbox.mountsUnder(peer.resolve("j")));

        // runc, the control: the same config runs, and its mounts stay after delete
        Path r = bundle("r", "sh", "-c", "sleep 1000");
        sb.runc("run", "-d", "--bundle", r.toString(), "r1").ok();
        sb.runc("delete", "--force", "r1").ok();
        List<String> left = Sandbox.mountsUnder(r);
        assertTrue(left.contains(r.resolve("rootfs/proc").toString()), "runc 1.1.5 leaves its mounts on the host: " + left);
    }

    @Test
    void aPlainDeleteOfAStoppedContainerAndRunUndoTheirMounts() throws Exception {
        Path b = bundle("j", "true");
        sb.jrun("create", "--bundle", b.toString(), "j1").ok();
        sb.jrun("start", "j1").ok();
        for (int i = 0; i < 300 && !sb.jrun("state", "j1").out().contains("\"stopped\""); i++) Thread.sleep(10);
        assertFalse(Sandbox.mountsUnder(b).isEmpty(), "a stopped container keeps its mounts until delete");
        sb.jrun("delete", "j1").ok();
        assertEquals(List.of(), traces(b));

        Sandbox.Result run = sb.jrun("run", "--bundle", bundle("k", "sh", "-c", "echo hi").toString(), "k1");
        assertEquals("hi\n", run.ok().out());
        assertEquals(List.of(), traces(sb.dir.resolve("shared/k")), "run deletes its container, mounts too");
    }

    @Test
    void aFailedCreateLeavesNothingMounted() throws Exception {
        Path b = bundle("j", "nosuch"); // fails at the lookup, after every mount is made
        Sandbox.Result r = sb.jrun("create", "--bundle", b.toString(), "j1");
        assertEquals(1, r.status(), r.err());
        assertEquals("jrun: process.args: exec: \"nosuch\": executable file not found in $PATH\n", r.err());
        assertEquals(List.of(), traces(b));
        assertFalse(Files.exists(sb.jrunRoot.resolve("j1")));
    }

    /**
     * The container moves one of its mounts (renaming its parent) and leaves a symlink to a host
     * directory where it was, whose own mount has the same name: delete detaches the container's
     * mount where it now is, and never follows the symlink to the host's.
     */
    @Test
    void deleteFollowsNoSymlinkOfTheContainersToAHostMount() throws Exception {
        Path victim = Files.createDirectories(sb.dir.resolve("victim/data"));
        Cmd.ok("mount", "-t", "tmpfs", "jrun-it-victim", victim.toString());
        Path b = sb.bundle("shared/j", c -> {
            Sandbox.args(c, "sh", "-c", "mv /a /a2 && busybox ln -s " + victim.getParent() + " /a && touch /tmp/done && sleep 1000");
            @SuppressWarnings("unchecked")
            List<Object> ns = (List<Object>) Sandbox.linux(c).get("namespaces");
            ns.removeIf(n -> "mount".equals(((Map<?, ?>) n).get("type")));
            Sandbox.mounts(c).add(Map.of("destination", "/a/data", "type", "tmpfs", "source", "tmpfs", "options", List.of("nosuid")));
        });
        sb.jrun("create", "--bundle", b.toString(), "j1").ok();
        sb.jrun("start", "j1").ok();
        for (int i = 0; i < 300 && !Files.exists(b.resolve("rootfs/tmp/done")); i++) Thread.sleep(10);
        assertTrue(Files.exists(b.resolve("rootfs/tmp/done")), "the container moved its mount");
        assertTrue(Sandbox.mountsUnder(b).contains(b.resolve("rootfs/a2/data").toString()), Sandbox.mountsUnder(b).toString());
        sb.jrun("delete", "--force", "j1").ok();
        assertEquals(List.of(), traces(b));
        assertEquals(List.of(victim.toString()), Sandbox.mountsUnder(victim), "the host's mount behind the container's symlink");
    }

    /** A container with CAP_SYS_ADMIN mounts in the host's namespace itself, below its root: delete undoes that too. */
    @Test
    void theContainersOwnMountsGoAtDelete() throws Exception {
        Path b = bundle("j", "sh", "-c", "mount -t tmpfs own /tmp && mount -t tmpfs own2 /tmp && touch /tmp/done && sleep 1000");
        Map<String, Object> c = (Map<String, Object>) Json.parse(Files.readString(b.resolve("config.json")));
        List<Object> caps = new java.util.ArrayList<>(List.of("CAP_SYS_ADMIN"));
        Map<String, Object> capabilities = new java.util.LinkedHashMap<>();
        for (String set : List.of("bounding", "effective", "permitted")) capabilities.put(set, caps);
        Sandbox.process(c).put("capabilities", capabilities);
        Files.writeString(b.resolve("config.json"), Json.write(c, Json.Style.TWO_SPACES));
        sb.jrun("create", "--bundle", b.toString(), "j1").ok();
        sb.jrun("start", "j1").ok();
        for (int i = 0; i < 300 && !sb.jrun("exec", "j1", "stat", "/tmp/done").out().contains("done"); i++) Thread.sleep(10);
        List<String> during = traces(b.resolve("rootfs/tmp"));
        assertEquals(2, during.size(), "two tmpfs stacked on the container's /tmp: " + during);
        sb.jrun("delete", "--force", "j1").ok();
        assertEquals(List.of(), traces(b));
    }

    @Test
    void sharedRootfsPropagationIsRefusedWithoutAMountNamespace() throws Exception {
        Path b = sb.bundle("shared/j", c -> {
            @SuppressWarnings("unchecked")
            List<Object> ns = (List<Object>) Sandbox.linux(c).get("namespaces");
            ns.removeIf(n -> "mount".equals(((Map<?, ?>) n).get("type")));
            Sandbox.linux(c).put("rootfsPropagation", "rshared");
        });
        Sandbox.Result r = sb.jrun("create", "--bundle", b.toString(), "j1");
        assertEquals(1, r.status(), r.err());
        assertEquals("jrun: linux.rootfsPropagation: \"rshared\" needs a mount namespace of the container's own; without one the container's mounts would propagate to the host's peers\n", r.err());
        assertEquals(List.of(), traces(b));
    }
}
