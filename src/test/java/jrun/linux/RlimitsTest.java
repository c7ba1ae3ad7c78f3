package jrun.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import jrun.JrunException;
import jrun.spec.Json;
import jrun.testing.Require;

class RlimitsTest {
    @Test
    void numbersMatchTheHeader() throws Exception {
        Path h = Require.file(Path.of("/usr/include/asm-generic/resource.h"), "linux-libc-dev");
        Matcher m = Pattern.compile("(?m)^#\\s*define\\s+(RLIMIT_[A-Z]+)\\s+(\\d+)").matcher(Files.readString(h));
        int n = 0;
        while (m.find()) {
            assertEquals(Integer.parseInt(m.group(2)), Rlimits.number(m.group(1)), m.group(1));
            n++;
        }
        assertEquals(16, n);
    }

    @Test
    void parsesAndRefusesByPath() {
        assertEquals(List.of(new Rlimits.Rlimit(7, 1024, 4096), new Rlimits.Rlimit(4, -1, -1)),
                Rlimits.parse(arr("[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1024,\"hard\":4096},"
                        + "{\"type\":\"RLIMIT_CORE\",\"soft\":18446744073709551615,\"hard\":18446744073709551615}]"), "process.rlimits"));
        assertEquals("process.rlimits[1].type: unknown rlimit \"RLIMIT_FOO\"", assertThrows(JrunException.class, () -> Rlimits.parse(
                arr("[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1,\"hard\":1},{\"type\":\"RLIMIT_FOO\",\"soft\":1,\"hard\":1}]"), "process.rlimits")).getMessage());
        assertEquals("process.rlimits[0]: soft limit 10 is above the hard limit 5", assertThrows(JrunException.class, () -> Rlimits.parse(
                arr("[{\"type\":\"RLIMIT_NPROC\",\"soft\":10,\"hard\":5}]"), "process.rlimits")).getMessage());
        assertEquals("process.rlimits[0].soft: expected an unsigned 64-bit integer, found -2", assertThrows(JrunException.class, () -> Rlimits.parse(
                arr("[{\"type\":\"RLIMIT_NPROC\",\"soft\":-2,\"hard\":5}]"), "process.rlimits")).getMessage());
    }

    @SuppressWarnings("unchecked")
    static List<Object> arr(String json) {
        return (List<Object>) Json.parse(json);
    }
}
