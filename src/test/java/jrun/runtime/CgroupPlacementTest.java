package jrun.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jrun.JrunException;

/** CgroupPlacement.create on plain directories standing in for hierarchies (no root needed). */
class CgroupPlacementTest {
    @TempDir
    Path tmp;

    /** Two stand-in hierarchies, cpu then pids, and the container's path in each. */
    private Map<String, String> twoHierarchies(String path) throws Exception {
        Map<String, String> paths = new LinkedHashMap<>();
        for (String h : List.of("cpu", "pids")) {
            Files.createDirectories(tmp.resolve(h));
            paths.put(tmp.resolve(h).toString(), path);
        }
        return paths;
    }

    @Test
    void makesEveryLeafAndReturnsThemInOrder() throws Exception {
        Map<String, String> paths = twoHierarchies("/a/b");
        List<String> dirs = CgroupPlacement.create(paths);
        assertEquals(List.of(tmp.resolve("cpu/a/b").toString(), tmp.resolve("pids/a/b").toString()), dirs);
        assertTrue(Files.isDirectory(tmp.resolve("pids/a/b")));
    }

    @Test
    void onlyV1HierarchiesWithoutCpusetSkipTheCpusetLook() {
        List<jrun.linux.CgroupHierarchy> hs = List.of(new jrun.linux.CgroupHierarchy("/c/cpu", false, "cpu,cpuacct", "/", "/"),
                new jrun.linux.CgroupHierarchy("/c/cpuset", false, "cpuset", "/", "/"),
                new jrun.linux.CgroupHierarchy("/c/both", false, "cpu,cpuset", "/", "/"),
                new jrun.linux.CgroupHierarchy("/c/systemd", false, "name=systemd", "/", "/"),
                new jrun.linux.CgroupHierarchy("/c/unified", true, "", "/", "/"));
        assertEquals(java.util.Set.of("/c/cpu", "/c/systemd"), CgroupPlacement.withoutCpuset(hs));
    }

    @Test
    void aCgroupInUseFailsAndTheLeavesMadeBeforeItAreRemoved() throws Exception {
        Map<String, String> paths = twoHierarchies("/c");
        Files.createDirectories(tmp.resolve("pids/c"));
        Files.writeString(tmp.resolve("pids/c/cgroup.procs"), "4242\n"); // someone else's process
        JrunException e = assertThrows(JrunException.class, () -> CgroupPlacement.create(paths));
        assertTrue(e.getMessage().contains("already holds processes of something else"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("cpu/c")), "the leaf made before the failure is gone");
        assertTrue(Files.exists(tmp.resolve("pids/c/cgroup.procs")), "the other's cgroup is untouched");
    }

    @Test
    void normalizeAsTheRegexesDid() {
        for (String p : new String[] {"/", "//", "/a", "/a/", "//a//b///", "a//b/", "/a/b", "///"})
            assertEquals(p.replaceAll("/+", "/").replaceAll("(.)/$", "$1"), CgroupPlacement.normalize(p), p);
    }

    @Test
    void defaultNameIsJrunHashOfTheRootThenTheId() {
        for (String root : new String[] {"/run/jrun", "/tmp/x", "/", "/a/b/c"})
            assertEquals(String.format("jrun-%08x-%s", Path.of(root).toAbsolutePath().normalize().toString().hashCode(), "c1"),
                    CgroupPlacement.defaultName(Path.of(root), "c1"), root);
    }
}
