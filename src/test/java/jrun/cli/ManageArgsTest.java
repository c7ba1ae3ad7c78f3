package jrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import jrun.JrunException;

/** update's and events' own value syntax, and update's flags onto linux.resources. */
class ManageArgsTest {
    @Test
    void sizesAsRuncTakesThem() {
        assertEquals(67108864L, UpdateCommand.bytes("--memory", "64m"));
        assertEquals(67108864L, UpdateCommand.bytes("--memory", "64MB"));
        assertEquals(1536L, UpdateCommand.bytes("--memory", "1536"));
        assertEquals(-1L, UpdateCommand.bytes("--memory-swap", "-1"));
        assertEquals(1L << 40, UpdateCommand.bytes("--memory", "1t"));
        JrunException e = assertThrows(JrunException.class, () -> UpdateCommand.bytes("--memory", "lots"));
        assertTrue(e.getMessage().startsWith("--memory: expected a number"), e.getMessage());
        assertEquals(2, e.exitCode());
    }

    @Test
    void intervals() {
        assertEquals(5000, EventsCommand.duration("5s"));
        assertEquals(250, EventsCommand.duration("250ms"));
        assertEquals(60_000, EventsCommand.duration("1m"));
        assertEquals(3000, EventsCommand.duration("3"));
        assertThrows(JrunException.class, () -> EventsCommand.duration("0s"));
        assertThrows(JrunException.class, () -> EventsCommand.duration("soon"));
    }

    @Test
    void flagsWinOverTheResourcesFile() throws Exception {
        java.nio.file.Path f = java.nio.file.Files.createTempFile("res", ".json");
        try {
            java.nio.file.Files.writeString(f, "{\"memory\":{\"limit\":1000,\"reservation\":500},\"cpu\":{\"cpus\":\"0\"}}");
            UpdateCommand u = new UpdateCommand();
            java.lang.reflect.Field r = UpdateCommand.class.getDeclaredField("resources");
            r.setAccessible(true);
            r.set(u, f.toString());
            java.lang.reflect.Field fl = UpdateCommand.class.getDeclaredField("flags");
            fl.setAccessible(true);
            @SuppressWarnings("unchecked")
            Map<String, String> flags = (Map<String, String>) fl.get(u);
            flags.put("--memory", "2k");
            flags.put("--cpuset-cpus", "1");
            flags.put("--pids-limit", "9");
            Map<String, Object> res = u.resources();
            assertEquals("{\"memory\":{\"limit\":2048,\"reservation\":500},\"cpu\":{\"cpus\":\"1\"},\"pids\":{\"limit\":9}}",
                    jrun.spec.Json.write(res, jrun.spec.Json.Style.COMPACT));
        } finally {
            java.nio.file.Files.deleteIfExists(f);
        }
    }
}
