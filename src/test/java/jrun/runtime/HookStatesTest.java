package jrun.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jrun.spec.Json;

class HookStatesTest {
    static final ContainerState ST = new ContainerState("c1", Status.CREATING, 4242, 99, "/b", "/b/rootfs", "2026-11-22T00:00:00Z",
            Map.of(), List.of(), Map.of());

    static Map<?, ?> parse(byte[] b) {
        return (Map<?, ?>) Json.parse(new String(b, StandardCharsets.UTF_8));
    }

    @Test
    void inContainerStagesSeeTheNamespacePidAndCreated() {
        byte[][] s = HookStates.inContainer(ST, 1);
        assertEquals(2, s.length);
        assertEquals("created", parse(s[(int) HookStates.CREATE_CONTAINER - 1]).get("status"), "runtime-spec 1.2.1: after step 2");
        assertEquals("created", parse(s[(int) HookStates.START_CONTAINER - 1]).get("status"));
        for (byte[] b : s) {
            assertEquals("1", parse(b).get("pid").toString());
            assertEquals("c1", parse(b).get("id"));
        }
    }

    @Test
    void poststopHasNoPidAndHostStagesTheHostPid() {
        Map<?, ?> stop = (Map<?, ?>) Json.parse(HookStates.poststop(ST));
        assertEquals("stopped", stop.get("status"));
        assertFalse(stop.containsKey("pid"));
        Map<?, ?> run = (Map<?, ?>) Json.parse(HookStates.host(ST, Status.RUNNING));
        assertEquals("4242", run.get("pid").toString());
    }

    @Test
    void theLastNsPidIsThePidInTheInnermostNamespace() {
        assertEquals(1, HookStates.lastNsPid("Name:\tsh\nPid:\t4242\nNSpid:\t4242\t17\t1\nNSpgid:\t1\n"));
        assertEquals(4242, HookStates.lastNsPid("NSpid:\t4242\n"));
        assertEquals(-1, HookStates.lastNsPid("Name:\tsh\n"));
    }
}
