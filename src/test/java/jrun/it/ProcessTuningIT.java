package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import jrun.spec.Json;
import jrun.testing.Require;
import jrun.testing.Sandbox;

/** linux.personality, process.scheduler and process.ioPriority, seen from inside the container (run and exec). */
class ProcessTuningIT extends WithSandbox {
    static final String PROBE = "uname -m; ionice -p $$; cut -d' ' -f19,41 /proc/self/stat";

    static void tune(java.util.Map<String, Object> c) {
        Sandbox.linux(c).put("personality", Json.parse("{\"domain\":\"LINUX32\"}"));
        Sandbox.process(c).put("scheduler", Json.parse("{\"policy\":\"SCHED_BATCH\",\"nice\":5}"));
        Sandbox.process(c).put("ioPriority", Json.parse("{\"class\":\"IOPRIO_CLASS_BE\",\"priority\":6}"));
    }

    @Test
    void theInitAndAnExecGetThem() throws Exception {
        Path b = sb.bundle("b", c -> {
            tune(c);
            Sandbox.args(c, "sh", "-c", PROBE);
        });
        // i686: the 32-bit personality; nice 5 (stat field 19) and policy 3, SCHED_BATCH (field 41)
        List<String> expected = List.of("i686", "best-effort: prio 6", "5 3");
        assertEquals(expected, sb.jrun("run", "--bundle", b.toString(), "t1").ok().out().lines().toList());
        Path s = sb.bundle("s", c -> {
            tune(c);
            Sandbox.args(c, "sleep", "30");
        });
        sb.jrun("run", "--detach", "--bundle", s.toString(), "t2").ok();
        assertEquals(expected, sb.jrun("exec", "t2", "sh", "-c", PROBE).ok().out().lines().toList());
        sb.jrun("delete", "-f", "t2").ok();
    }

    @Test
    void execCpuAffinityIsForExecOnly() throws Exception {
        Require.host(Runtime.getRuntime().availableProcessors() >= 2, "two CPUs");
        Path s = sb.bundle("s", c -> {
            Sandbox.process(c).put("execCPUAffinity", Json.parse("{\"initial\":\"1\",\"final\":\"0\"}"));
            Sandbox.args(c, "sleep", "30");
        });
        sb.jrun("run", "--detach", "--bundle", s.toString(), "a1").ok();
        String probe = "grep Cpus_allowed_list /proc/self/status";
        // the container's own process carries it: exec applies final (after initial), the init none
        assertEquals("Cpus_allowed_list:\t0", sb.jrun("exec", "a1", "sh", "-c", probe).ok().out().strip());
        String init = sb.jrun("exec", "a1", "cat", "/proc/1/status").ok().out();
        String all = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Cpus_allowed_list")).findFirst().get();
        assertTrue(init.contains(all), "the init keeps the host's affinity: " + all + " in " + init);
        sb.jrun("delete", "-f", "a1").ok();
    }

    @Test
    void memoryPolicyBindsTheInitAndExecs() throws Exception {
        Path s = sb.bundle("s", c -> {
            Sandbox.linux(c).put("memoryPolicy", Json.parse("{\"mode\":\"MPOL_BIND\",\"nodes\":\"0\",\"flags\":[\"MPOL_F_STATIC_NODES\"]}"));
            Sandbox.args(c, "sleep", "30");
        });
        sb.jrun("run", "--detach", "--bundle", s.toString(), "m1").ok();
        // numa_maps shows the task's policy on mappings without one of their own
        String probe = "grep -c 'bind=static:0 ' /proc/self/numa_maps; grep -c 'bind=static:0 ' /proc/1/numa_maps";
        List<String> counts = sb.jrun("exec", "m1", "sh", "-c", probe).ok().out().lines().toList();
        assertEquals(2, counts.size(), counts.toString());
        for (String n : counts) assertTrue(Integer.parseInt(n) > 0, "bound mappings: " + counts);
        sb.jrun("delete", "-f", "m1").ok();
    }

    @Test
    void aBadPolicyIsOneErrorAndLeavesNothing() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.process(c).put("scheduler", Json.parse("{\"policy\":\"SCHED_FIFO\"}")));
        Sandbox.Result r = sb.jrun("create", "--bundle", b.toString(), "t3");
        assertEquals(1, r.status());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("process.scheduler.priority: SCHED_FIFO needs a priority of 1-99"), r.err());
        assertFalse(Files.exists(sb.jrunRoot.resolve("t3")));
    }
}
