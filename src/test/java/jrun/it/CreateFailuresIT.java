package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jrun.testing.Sandbox;

/**
 * A create does its work on two threads (the lock and the cgroups beside the config and the
 * plan): whichever fails, nothing of the new container is left, and nothing of another one with
 * the same id or cgroup is touched.
 */
class CreateFailuresIT extends WithSandbox {
    private static String cgroupParent() {
        return "/jrun-it-fail-" + ProcessHandle.current().pid();
    }

    @Test
    void anExistingIdIsLeftAsItWas() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        sb.jrun("create", "--bundle", b.toString(), "c1").ok();
        String before = sb.jrun("state", "c1").ok().out();
        // the second config is bad too: the id's error or the config's, never a cleanup of c1
        Path bad = sb.bundle("bad", c -> Sandbox.linux(c).put("resources", Map.of("bogus", 1)));
        for (Path bundle : List.of(b, bad)) {
            Sandbox.Result again = sb.jrun("create", "--bundle", bundle.toString(), "c1");
            assertEquals(1, again.status(), again.err());
            assertEquals(1, again.err().lines().count(), again.err());
        }
        assertEquals(before, sb.jrun("state", "c1").ok().out());
        assertTrue(Files.exists(sb.jrunRoot.resolve("c1/exec.fifo")));
        for (String dir : sb.cgroupDirs("c1")) assertTrue(Files.isDirectory(Path.of(dir)), dir);
        sb.jrun("start", "c1").ok();
        sb.jrun("delete", "-f", "c1").ok();
    }

    @Test
    void aConfigErrorLeavesNothing() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.process(c).put("cwd", "relative"));
        assertFailsCleanly(b, "c2", "process.cwd");
    }

    @Test
    void aResourcesErrorLeavesNothing() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.linux(c).put("resources", Map.of("bogus", 1)));
        assertFailsCleanly(b, "c3", "linux.resources.bogus");
    }

    @Test
    void aCgroupInUseLeavesItsOwnerAlone() throws Exception {
        String cg = cgroupParent() + "/shared";
        try {
            Path b = sb.bundle("b", c -> {
                Sandbox.args(c, "sleep", "1000");
                Sandbox.linux(c).put("cgroupsPath", cg);
            });
            sb.jrun("create", "--bundle", b.toString(), "owner").ok();
            sb.jrun("start", "owner").ok();
            Sandbox.Result r = sb.jrun("create", "--bundle", b.toString(), "intruder");
            assertEquals(1, r.status(), r.err());
            assertTrue(r.err().contains("already holds processes"), r.err());
            assertFalse(Files.exists(sb.jrunRoot.resolve("intruder")), "state directory of the failed create");
            assertEquals("running", jrun.spec.Json.parse(sb.jrun("state", "owner").ok().out()) instanceof Map<?, ?> m ? m.get("status") : null);
            sb.jrun("delete", "-f", "owner").ok();
        } finally {
            Sandbox.removeCgroups(cgroupParent());
        }
    }

    private void assertFailsCleanly(Path bundle, String id, String field) throws Exception {
        Sandbox.Result r = sb.jrun("create", "--bundle", bundle.toString(), id);
        assertEquals(1, r.status(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains(field), r.err());
        assertFalse(Files.exists(sb.jrunRoot.resolve(id)), "state directory left by a failed create");
        for (String dir : sb.cgroupDirs(id)) assertFalse(Files.exists(Path.of(dir)), "cgroup left by a failed create: " + dir);
        assertEquals("", sb.jrun("list", "-q").ok().out().strip());
    }
}
