package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import jrun.spec.Json;
import jrun.testing.Sandbox;

/**
 * The cgroup side's I/O failures (runtime.CgroupPlacement, and the limit writes the helper does):
 * a cgroupsPath with a file in the way, a limit the kernel refuses, a parent cpuset with no CPUs,
 * a cgroup that cannot be removed. Each names the field or the cgroup, exits 1, and a failed
 * create leaves no process, cgroup or state.
 */
@Timeout(180)
class CgroupErrorsIT extends WithSandbox {
    private static String parent() {
        return "/jrun-it-cgerr-" + ProcessHandle.current().pid();
    }

    private void failsCleanly(Path bundle, String id, String start, String... contains) throws Exception {
        Sandbox.Result r = sb.jrun("create", "--bundle", bundle.toString(), id);
        assertEquals(1, r.status(), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertTrue(r.err().startsWith("jrun: " + start), r.err());
        for (String c : contains) assertTrue(r.err().contains(c), c + " in " + r.err());
        assertEquals("", r.out());
        assertFalse(Files.exists(sb.jrunRoot.resolve(id)), "state directory left");
        for (String dir : sb.cgroupDirs(id)) assertFalse(Files.exists(Path.of(dir)), "cgroup left: " + dir);
        assertEquals(List.of(), Sandbox.mountsUnder(sb.dir), "mounts left");
        assertEquals("", sb.jrun("list", "-q").ok().out().strip());
    }

    @Test
    void aFileInTheCgroupsPathIsNamed() throws Exception {
        // every hierarchy's root has a cgroup.procs file: nothing can be made below it, in any of them
        Path b = sb.bundle("b", c -> {
            Sandbox.args(c, "true");
            Sandbox.linux(c).put("cgroupsPath", "/cgroup.procs/c");
        });
        failsCleanly(b, "p1", "linux.cgroupsPath: cgroup /sys/fs/cgroup/", "/cgroup.procs: cannot create: a file is in the way");
        Path b2 = sb.bundle("b2", c -> {
            Sandbox.args(c, "true");
            Sandbox.linux(c).put("cgroupsPath", "/cgroup.procs");
        });
        failsCleanly(b2, "p2", "linux.cgroupsPath: cgroup /sys/fs/cgroup/", "/cgroup.procs: cannot create: a file is in the way");
    }

    @Test
    void aLimitTheKernelRefusesIsNamed() throws Exception {
        Path b = sb.bundle("b", c -> {
            Sandbox.args(c, "true");
            Sandbox.linux(c).put("resources", Map.of("cpu", Map.of("cpus", "4095")));
        });
        failsCleanly(b, "l1", "linux.resources: write /sys/fs/cgroup/", "/cpuset.cpus: ");
    }

    @Test
    void aParentCpusetWithoutCpusIsNamed() throws Exception {
        Path v1 = Path.of("/sys/fs/cgroup/cpuset/cpuset.cpus");
        jrun.testing.Require.hostShape(Files.exists(v1), "a cgroup v1 cpuset hierarchy (a new v1 cpuset has no CPUs; a v2 one inherits them)");
        Path p = Path.of("/sys/fs/cgroup/cpuset" + parent());
        try {
            Files.createDirectory(p); // no CPUs, no memory nodes: nothing may join it or below it
            assertEquals("", Files.readString(p.resolve("cpuset.cpus")).strip());
            // the init joins its v1 cgroups itself; in a user namespace Java places it
            Path b = sb.bundle("b", c -> {
                Sandbox.args(c, "true");
                Sandbox.linux(c).put("cgroupsPath", parent() + "/c");
            });
            failsCleanly(b, "e1", "linux.cgroupsPath: write " + p + "/c/tasks: No space left on device");
            Path u = sb.bundle("u", c -> {
                Sandbox.args(c, "true");
                Sandbox.linux(c).put("cgroupsPath", parent() + "/u");
                @SuppressWarnings("unchecked")
                List<Object> ns = (List<Object>) Sandbox.linux(c).get("namespaces");
                ns.add(Json.parse("{\"type\":\"user\"}"));
                Sandbox.linux(c).put("uidMappings", Json.parse("[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]"));
                Sandbox.linux(c).put("gidMappings", Json.parse("[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]"));
            });
            failsCleanly(u, "e2", "linux.cgroupsPath: ", p + "/u/cgroup.procs: cannot add pid ", ": No space left on device");
        } finally {
            Sandbox.removeCgroups(parent());
        }
    }

    @Test
    void aCgroupThatCannotBeRemovedFailsTheDeleteAndKeepsTheState() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "true"));
        sb.jrun("create", "--bundle", b.toString(), "r1").ok();
        String dir = sb.cgroupDirs("r1").get(0);
        Path child = Files.createDirectory(Path.of(dir, "child"));
        try {
            Sandbox.Result r = sb.jrun("delete", "--force", "r1");
            assertEquals(1, r.status(), r.err());
            assertEquals("jrun: cgroup " + dir + ": cannot remove: ", r.err().strip().substring(0, ("jrun: cgroup " + dir + ": cannot remove: ").length()));
            assertEquals(1, r.err().strip().lines().count(), r.err());
            Map<?, ?> st = (Map<?, ?>) Json.parse(sb.jrun("state", "r1").ok().out());
            assertEquals("stopped", st.get("status"), "its init is gone, its state kept for another delete");
        } finally {
            Files.delete(child);
        }
        sb.jrun("delete", "r1").ok();
        assertFalse(Files.exists(sb.jrunRoot.resolve("r1")));
        for (String d : sb.cgroupDirs("r1")) assertFalse(Files.exists(Path.of(d)), "cgroup left: " + d);
    }
}
