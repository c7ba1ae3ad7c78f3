package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import jrun.testing.Sandbox;

/**
 * Capabilities the kernel cannot grant (a name it does not know, or one above its cap_last_cap)
 * are ignored with a warning on stderr, as runc 1.1.5 does ("ignoring unknown or unavailable
 * capabilities"), and the container runs with the rest: the same masks as runc's.
 */
@Timeout(180)
class UngrantableCapsIT extends WithSandbox {
    static final List<String> SETS = List.of("bounding", "effective", "permitted", "inheritable", "ambient");

    @SuppressWarnings("unchecked")
    Path bundle(String name, List<String> extra) throws Exception {
        return sb.bundle(name, c -> {
            Sandbox.args(c, "sh", "-c", "grep ^Cap /proc/self/status");
            Map<String, Object> caps = (Map<String, Object>) Sandbox.process(c).get("capabilities");
            for (String set : SETS) {
                List<Object> names = new ArrayList<>(List.of("CAP_KILL"));
                names.addAll(extra);
                caps.put(set, names);
            }
        });
    }

    /** Runs RT's `run` (jrun without an engine), in a mount namespace whose cap_last_cap reads fakeLastCap when it is not null. */
    Sandbox.Result run(String rt, Path bundle, String id, String fakeLastCap) throws Exception {
        String cmd = (rt.equals("jrun") ? Sandbox.JRUN + " --root " + sb.jrunRoot : "runc --root " + sb.runcRoot)
                + " run --bundle " + bundle + " " + id;
        if (fakeLastCap == null) return Sandbox.exec(List.of("sh", "-c", cmd), null, Map.of("JRUN_ENGINE", "off"));
        Path f = sb.dir.resolve("cap_last_cap");
        Files.writeString(f, fakeLastCap + "\n");
        return Sandbox.exec(List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                "mount --bind " + f + " /proc/sys/kernel/cap_last_cap && exec " + cmd), null, Map.of("JRUN_ENGINE", "off"));
    }

    @Test
    void aNameTheKernelDoesNotKnowIsAWarningAndTheContainerRuns() throws Exception {
        Path b = bundle("b", List.of("CAP_BOGUS"));
        Sandbox.Result runc = run("runc", b, "r1", null), jrun = run("jrun", b, "j1", null);
        assertEquals(0, runc.status(), "runc: " + runc);
        assertTrue(runc.err().contains("ignoring unknown or unavailable capabilities: [CAP_BOGUS]"), runc.err());
        assertEquals(0, jrun.status(), "jrun: " + jrun);
        assertEquals(runc.out(), jrun.out(), "the same capabilities as runc's");
        assertTrue(jrun.out().contains("CapBnd:\t0000000000000020\n"), "CAP_KILL only: " + jrun.out());
        List<String> warnings = jrun.err().lines().toList();
        assertEquals(SETS.size(), warnings.size(), jrun.err());
        for (String w : warnings) {
            assertTrue(w.startsWith("jrun: warning: process.capabilities."), w);
            assertTrue(w.contains("unknown capability \"CAP_BOGUS\"; ignored, as runc does"), w);
        }
    }

    /** A kernel older than jrun's table (cap_last_cap 37, read through a bind in a private mount namespace): 38-40 are ignored. */
    @Test
    void aCapabilityAboveCapLastCapIsAWarningAndTheContainerRuns() throws Exception {
        List<String> newer = List.of("CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE");
        Path b = bundle("b", newer);
        Sandbox.Result runc = run("runc", b, "r2", "37"), jrun = run("jrun", b, "j2", "37");
        assertEquals(0, runc.status(), "runc: " + runc);
        assertTrue(runc.err().contains("ignoring unknown or unavailable capabilities: [CAP_BPF CAP_CHECKPOINT_RESTORE CAP_PERFMON]"), runc.err());
        assertEquals(0, jrun.status(), "jrun: " + jrun);
        assertEquals(runc.out(), jrun.out(), "the same capabilities as runc's");
        assertTrue(jrun.out().contains("CapEff:\t0000000000000020\n") && jrun.out().contains("CapAmb:\t0000000000000020\n"), jrun.out());
        for (String set : SETS)
            for (int i = 0; i < newer.size(); i++) {
                String w = "jrun: warning: process.capabilities." + set + "[" + (i + 1) + "]: capability \"" + newer.get(i) + "\" ("
                        + (38 + i) + ") is not known to this kernel (cap_last_cap is 37); ignored, as runc does";
                assertTrue(jrun.err().lines().anyMatch(w::equals), "missing: " + w + "\nin:\n" + jrun.err());
            }
        // and the real kernel knows them: no warning, as runc
        Sandbox.Result real = run("jrun", b, "j3", null);
        assertEquals(0, real.status(), real.toString());
        assertEquals("", real.err());
    }
}
