package jrun.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import jrun.rules.EnvEdit;
import jrun.rules.MountOptionsEdit;

/**
 * Configs saved from real runs (runc spec; Docker 20.10 and Podman 4.3 through oci-interceptor's
 * debug output) come back byte for byte, and an edit changes only what it should.
 */
class RealConfigRoundTripTest {
    private static String load(String name) throws IOException {
        try (InputStream in = RealConfigRoundTripTest.class.getResourceAsStream("/configs/" + name)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"runc-1.1-spec.json", "docker-20.10.json", "podman-4.3.json"})
    void byteForByte(String name) throws IOException {
        String text = load(name);
        Json.Document d = Json.parseDocument(text);
        assertEquals(text, Json.write(d.root(), d.style()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"runc-1.1-spec.json", "docker-20.10.json", "podman-4.3.json"})
    void editsTouchOnlyTheirFields(String name) throws IOException {
        String text = load(name);
        Json.Document d = Json.parseDocument(text);
        Map<String, Object> root = ConfigTree.object(d.root(), "");
        Map<String, Object> before = ConfigTree.object(Json.parse(text), "");
        MountOptionsEdit.readonlyNetworkingMounts().apply(root, jrun.rules.Context.host());
        new EnvEdit(EnvEdit.Mode.FORCE, "ZZ", "1").apply(root, jrun.rules.Context.host());
        String out = Json.write(root, d.style());
        Map<String, Object> after = ConfigTree.object(Json.parse(out), "");
        // everything but process.env and mounts is identical
        for (String key : before.keySet()) {
            if (!key.equals("process") && !key.equals("mounts")) assertEquals(before.get(key), after.get(key), key);
        }
        Map<String, Object> p0 = ConfigTree.object(before.get("process"), "process");
        Map<String, Object> p1 = ConfigTree.object(after.get("process"), "process");
        for (String key : p0.keySet()) if (!key.equals("env")) assertEquals(p0.get(key), p1.get(key), key);
        List<Object> env = ConfigTree.array(p1.get("env"), "process.env");
        assertEquals("ZZ=1", env.get(env.size() - 1));
        assertEquals(List.copyOf(before.keySet()), List.copyOf(after.keySet()), "key order kept");
        assertTrue(out.length() > text.length());
    }
}
