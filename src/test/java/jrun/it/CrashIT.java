package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import jrun.spec.Json;
import jrun.testing.Sandbox;

/**
 * jrun SIGKILLed at each step boundary of create, start, exec and delete (JRUN_TEST_STOP_AT,
 * docs/reliability.md): what is left is shown by state and list when anything of it exists, a
 * create of the same id fails clearly, and delete --force removes every process, cgroup, mount
 * and state of it.
 */
@Timeout(180)
class CrashIT extends WithSandbox {
    /** jrun with this sandbox's root and JRUN_TEST_STOP_AT=step. */
    private Sandbox.Result jrunStoppedAt(String step, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Sandbox.JRUN.toString(), "--root", sb.jrunRoot.toString()));
        cmd.addAll(List.of(args));
        return Sandbox.exec(cmd, null, Map.of("JRUN_TEST_STOP_AT", step));
    }

    private static void killed(Sandbox.Result r) {
        assertEquals(137, r.status(), "jrun was to SIGKILL itself; stderr: " + r.err());
    }

    private void deleteForceLeavesNothing(String id) throws Exception {
        Sandbox.Result d = sb.jrun("delete", "--force", id);
        assertEquals(0, d.status(), d.err());
        LifecycleErrorsIT.nothingLeftOf(sb, id);
        LifecycleErrorsIT.noProcessLeft(sb);
    }

    @ParameterizedTest
    @ValueSource(strings = {"create:locked", "create:claimed", "create:cgroups", "create:helper", "create:pid", "create:committed", "create:created"})
    void aCreateKilledAtAnyStepIsShownAndRemovedWhole(String step) throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        killed(jrunStoppedAt(step, "create", "--bundle", b.toString(), "k1"));
        if (!step.equals("create:locked")) { // from its first record on, state and list show it
            Sandbox.Result st = sb.jrun("state", "k1");
            assertEquals(0, st.status(), step + ": " + st.err());
            assertEquals("k1", ((Map<?, ?>) Json.parse(st.out())).get("id"));
            assertEquals("k1", sb.jrun("list", "-q").ok().out().strip(), step);
        }
        Sandbox.Result again = sb.jrun("create", "--bundle", b.toString(), "k1");
        assertEquals(1, again.status(), again.err());
        assertEquals("jrun: container with id k1 already exists", again.err().strip());
        deleteForceLeavesNothing("k1");
        sb.jrun("create", "--bundle", b.toString(), "k1").ok(); // the id is free again
        deleteForceLeavesNothing("k1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"start:saved", "start:released"})
    void aStartKilledAtAnyStepLeavesAContainerDeleteRemoves(String step) throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        sb.jrun("create", "--bundle", b.toString(), "k2").ok();
        killed(jrunStoppedAt(step, "start", "k2"));
        assertEquals("running", ((Map<?, ?>) Json.parse(sb.jrun("state", "k2").ok().out())).get("status"), "saved as running before the release");
        deleteForceLeavesNothing("k2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"exec:helper", "exec:pid", "exec:placed", "exec:done"})
    void anExecKilledAtAnyStepLeavesAContainerDeleteRemoves(String step) throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        sb.jrun("create", "--bundle", b.toString(), "k3").ok();
        sb.jrun("start", "k3").ok();
        killed(jrunStoppedAt(step, "exec", "k3", "true"));
        assertEquals("running", ((Map<?, ?>) Json.parse(sb.jrun("state", "k3").ok().out())).get("status"));
        deleteForceLeavesNothing("k3");
    }

    @ParameterizedTest
    @ValueSource(strings = {"delete:killed", "delete:cgroups"})
    void aDeleteKilledAtAnyStepIsFinishedByTheNext(String step) throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        sb.jrun("create", "--bundle", b.toString(), "k4").ok();
        sb.jrun("start", "k4").ok();
        killed(jrunStoppedAt(step, "delete", "--force", "k4"));
        assertTrue(Files.exists(sb.jrunRoot.resolve("k4/state.json")), "the state goes last");
        assertEquals("stopped", ((Map<?, ?>) Json.parse(sb.jrun("state", "k4").ok().out())).get("status"));
        deleteForceLeavesNothing("k4");
    }

    @ParameterizedTest
    @ValueSource(strings = {"missing", "garbage"})
    void deleteForceRemovesAContainerWhoseStateIsGoneOrCorrupt(String how) throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        sb.jrun("create", "--bundle", b.toString(), "k5").ok();
        sb.jrun("start", "k5").ok();
        Path f = sb.jrunRoot.resolve("k5/state.json");
        if (how.equals("missing")) Files.delete(f);
        else Files.writeString(f, "garbage\n");
        deleteForceLeavesNothing("k5");
    }
}
