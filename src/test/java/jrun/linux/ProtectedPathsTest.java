package jrun.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jrun.JrunException;
import jrun.spec.Json;

class ProtectedPathsTest {
    @Test
    void normalizedAndDeduplicated() {
        ProtectedPaths.Lists l = ProtectedPaths.of(parse("{\"maskedPaths\":[\"/proc/kcore\",\"/proc//keys/\",\"/proc/kcore\",\"/sys/firmware\"],"
                + "\"readonlyPaths\":[\"/proc/sys\",\"/proc/sysrq-trigger\",\"/proc/../proc/bus\"]}"), "linux");
        assertEquals(List.of("/proc/kcore", "/proc/keys", "/sys/firmware"), l.masked());
        assertEquals(List.of("/proc/sys", "/proc/sysrq-trigger", "/proc/bus"), l.readonly());
        assertEquals(List.of(), ProtectedPaths.of(parse("{}"), "linux").masked());
    }

    @Test
    void relativeOrRootIsRefused() {
        assertEquals("linux.maskedPaths[1]: must be an absolute path, not \"proc/kcore\"", assertThrows(JrunException.class,
                () -> ProtectedPaths.of(parse("{\"maskedPaths\":[\"/a\",\"proc/kcore\"]}"), "linux")).getMessage());
        assertEquals("linux.readonlyPaths[0]: cannot be the container's root", assertThrows(JrunException.class,
                () -> ProtectedPaths.of(parse("{\"readonlyPaths\":[\"/x/..\"]}"), "linux")).getMessage());
        assertEquals("linux.readonlyPaths[0]: expected a string, found a number", assertThrows(JrunException.class,
                () -> ProtectedPaths.of(parse("{\"readonlyPaths\":[3]}"), "linux")).getMessage());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parse(String json) {
        return (Map<String, Object>) Json.parse(json);
    }
}
