package jrun.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class EngineTest {
    @Test
    void theCommandWordIsFoundAfterGlobalFlags() {
        assertEquals("state", Engine.command(List.of("--root", "/r", "--log", "l", "--log-format", "json", "--debug", "state", "x")));
        assertEquals("kill", Engine.command(List.of("--root=/r", "kill", "x", "9")));
        assertEquals("create", Engine.command(List.of("--oi-env", "A=B", "create", "--bundle", "b", "x")));
        assertNull(Engine.command(List.of("--root", "/r")));
        assertNull(Engine.command(List.of()));
    }

    @Test
    void theEngineServesTheRuntimeCommandsAndForksNothing() {
        for (String c : List.of("state", "list", "start", "kill", "delete", "ps", "features", "pause", "resume", "update", "create", "run", "exec"))
            assertTrue(Engine.WARM.contains(c), c);
        for (String c : List.of("events", "spec", "engine")) assertFalse(Engine.WARM.contains(c), c);
        // those that make a container's process do so only through the helper the client forked
        assertEquals(java.util.Set.of("create", "run", "exec"), Engine.WITH_HELPER);
    }
}
