package jrun.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jrun.JrunException;
import jrun.linux.CgroupHierarchy;
import jrun.spec.IdMapping;
import jrun.spec.TestConfigs;

/** Rootless mode's decisions, as data: no root needed (and none used). */
class RootlessTest {
    @SuppressWarnings("unchecked")
    static Map<String, Object> res(String json) {
        return (Map<String, Object>) TestConfigs.json(json);
    }

    @Test
    void theFirstLimitIsNamedAndDevicesAreNotALimit() {
        assertNull(Rootless.firstLimit(res("{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}"), "linux.resources"));
        assertNull(Rootless.firstLimit(res("{\"pids\":{\"limit\":0},\"memory\":{}}"), "linux.resources"), "0 is runc's \"not set\"");
        assertEquals("linux.resources.memory.limit", Rootless.firstLimit(res("{\"devices\":[],\"memory\":{\"limit\":1048576}}"), "linux.resources"));
        assertEquals("linux.resources.cpu.cpus", Rootless.firstLimit(res("{\"cpu\":{\"cpus\":\"0\"}}"), "linux.resources"));
    }

    @Test
    void aLimitWithoutAWritableCgroupIsAnErrorNamingIt() {
        Rootless r = new Rootless(true, 1000);
        JrunException e = assertThrows(JrunException.class, () -> r.checkLimits(res("{\"pids\":{\"limit\":10}}"), false));
        assertEquals("linux.resources.pids.limit: cannot be applied in rootless mode: no cgroup here is writable by uid 1000"
                + " (a delegated cgroup v2 subtree is needed; see docs/rootless.md)", e.getMessage());
        r.checkLimits(res("{\"pids\":{\"limit\":10}}"), true); // a writable cgroup: the writes say the rest
        r.checkLimits(res("{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}"), false); // not enforced, as runc
        Rootless.OFF.checkLimits(res("{\"pids\":{\"limit\":10}}"), false);
    }

    @Test
    void onlyWritableHierarchiesAreUsed(@TempDir Path dir) throws Exception {
        Path mine = Files.createDirectories(dir.resolve("mine/user"));
        Path theirs = Files.createDirectories(dir.resolve("theirs"));
        List<CgroupHierarchy> hs = List.of(new CgroupHierarchy(mine.getParent().toString(), true, "", "/", "/"),
                new CgroupHierarchy(theirs.toString(), false, "memory", "/", "/"));
        Map<String, String> paths = Map.of(mine.getParent().toString(), "/user/jrun-c", theirs.toString(), "/x/jrun-c");
        theirs.toFile().setWritable(false);
        try {
            List<CgroupHierarchy> used = new Rootless(true, 1000).usable(hs, paths);
            if (Rootless.effectiveUid() != 0) assertEquals(List.of(hs.get(0)), used); // root may write anything
            assertEquals(hs, Rootless.OFF.usable(hs, paths));
        } finally {
            theirs.toFile().setWritable(true);
        }
        assertTrue(Rootless.writable(mine.resolve("a/b")), "the nearest existing ancestor decides");
        assertFalse(Rootless.writable(mine), "an existing cgroup: its cgroup.procs (absent here)");
    }

    @Test
    void theInitialUserNamespaceIsRecognised() {
        assertTrue(Rootless.isInitialMap("         0          0 4294967295\n"));
        assertFalse(Rootless.isInitialMap("         0       1000          1\n"));
        assertFalse(Rootless.isInitialMap("0 1000 1\n1 100000 65536\n"));
    }

    @Test
    void rootlessFlagValues() {
        assertTrue(Rootless.of("true", Map.of()).on());
        assertFalse(Rootless.of("false", Map.of()).on());
        assertEquals(Rootless.effectiveUid() != 0 || Rootless.inUserNamespace(), Rootless.of("auto", Map.of()).on());
        assertEquals(2, assertThrows(JrunException.class, () -> Rootless.of("yes", Map.of())).exitCode());
    }

    @Test
    void idMapsOwnIdDirectlyAndMoreThroughTheSetuidHelpers() {
        List<IdMapping> own = List.of(new IdMapping(0, 1000, 1));
        assertEquals(IdMaps.Way.DIRECT, IdMaps.way(List.of(new IdMapping(0, 100000, 65536)), 0), "root writes any map");
        assertEquals(IdMaps.Way.OWN_ID, IdMaps.way(own, 1000));
        assertEquals(IdMaps.Way.HELPER, IdMaps.way(own, 1001), "another's id");
        assertEquals(IdMaps.Way.HELPER, IdMaps.way(List.of(new IdMapping(0, 1000, 1), new IdMapping(1, 100000, 65536)), 1000));
    }
}
