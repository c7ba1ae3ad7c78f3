package jrun.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import jrun.JrunException;
import jrun.spec.ConfigTree;
import jrun.spec.Json;

class MountOptionsEditTest {
    private static Map<String, Object> config(String mounts) {
        return ConfigTree.object(Json.parse("{\"mounts\":" + mounts + "}"), "");
    }

    private static Object options(Map<String, Object> c, int i) {
        return ((Map<?, ?>) ((List<?>) c.get("mounts")).get(i)).get("options");
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "/etc/hosts       | [\"rbind\",\"rw\"]        | [\"rbind\",\"ro\"]  | true",
        "/etc/hostname    | [\"ro\",\"rw\"]           | [\"ro\"]            | true",
        "/etc/resolv.conf | [\"rbind\",\"ro\"]        | [\"rbind\",\"ro\"]  | false",
        "/etc/resolv.conf | [\"ro\",\"rbind\"]        | [\"rbind\",\"ro\"]  | true",
        "//etc/hosts/     | [\"rw\"]                  | [\"ro\"]            | true",
        "/etc/./hostname  | []                        | [\"ro\"]            | true",
        "etc/hosts        | [\"nosuid\"]              | [\"nosuid\",\"ro\"] | true",
        "/etc/hosts.d     | [\"rw\"]                  | [\"rw\"]            | false",
        "/tmp             | [\"rw\"]                  | [\"rw\"]            | false",
    })
    void readonlyNetworkingMounts(String dest, String before, String after, boolean changed) {
        Map<String, Object> c = config("[{\"destination\":\"" + dest + "\",\"options\":" + before + "}]");
        assertEquals(changed, MountOptionsEdit.readonlyNetworkingMounts().apply(c, jrun.rules.Context.host()));
        assertEquals(Json.parse(after), options(c, 0));
    }

    @Test
    void aMountWithoutOptionsGetsThem() {
        Map<String, Object> c = config("[{\"destination\":\"/etc/hosts\",\"type\":\"bind\"}]");
        assertTrue(MountOptionsEdit.readonlyNetworkingMounts().apply(c, jrun.rules.Context.host()));
        assertEquals(List.of("ro"), options(c, 0));
        assertEquals("{\"mounts\":[{\"destination\":\"/etc/hosts\",\"type\":\"bind\",\"options\":[\"ro\"]}]}", Json.write(c));
    }

    @Test
    void noMountsIsNoChange() {
        assertFalse(MountOptionsEdit.readonlyNetworkingMounts().apply(ConfigTree.object(Json.parse("{}"), ""), jrun.rules.Context.host()));
    }

    @Test
    void badTypesNameTheField() {
        JrunException e = assertThrows(JrunException.class, () -> MountOptionsEdit.readonlyNetworkingMounts()
                .apply(config("[{\"destination\":\"/a\"},{\"destination\":\"/etc/hosts\",\"options\":[\"rw\",7]}]"), jrun.rules.Context.host()));
        assertEquals("mounts[1].options[1]: expected a string, found a number", e.getMessage());
        e = assertThrows(JrunException.class, () -> MountOptionsEdit.readonlyNetworkingMounts()
                .apply(ConfigTree.object(Json.parse("{\"mounts\":{}}"), ""), jrun.rules.Context.host()));
        assertEquals("mounts: expected an array, found an object", e.getMessage());
    }
}
