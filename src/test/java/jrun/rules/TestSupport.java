package jrun.rules;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import jrun.spec.ConfigTree;
import jrun.spec.Json;

/** Shared fixtures: the Docker-shaped config, rule parsing from text, a fake host device table. */
final class TestSupport {
    private TestSupport() {}

    static Map<String, Object> dockerConfig() {
        try (InputStream in = TestSupport.class.getResourceAsStream("/jrun/rules/docker-config.json")) {
            return ConfigTree.object(Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)), "");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A config.json a real client wrote (src/test/resources/jrun/rules/captured/README.md). */
    static Map<String, Object> captured(String name) {
        try (InputStream in = TestSupport.class.getResourceAsStream("/jrun/rules/captured/" + name)) {
            return ConfigTree.object(Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)), "");
        } catch (IOException | NullPointerException e) {
            throw new AssertionError("fixture " + name, e);
        }
    }

    /** A host where Docker's bind of the host's network namespace is at its default path. */
    static HostNamespaces dockerHostNetns() {
        return (type, path) -> type.equals("network") && path.equals("/var/run/docker/netns/default");
    }

    static Map<String, Object> json(String text) {
        return ConfigTree.object(Json.parse(text), "");
    }

    static RuleSet yaml(String text) {
        return RuleSet.of(RuleFile.parse("test.yaml", text, true));
    }

    static HostDevices fakeDevices() {
        return path -> switch (path) {
            case "/dev/fuse" -> new HostDevices.Node("c", 10, 229, 0666, 0, 0);
            case "/dev/sda" -> new HostDevices.Node("b", 8, 0, 0660, 0, 6);
            default -> throw new jrun.JrunException("device " + path + ": cannot stat the host node: no such file");
        };
    }

    static Context ctx() {
        return new Context(fakeDevices(), List.of());
    }

    static Object at(Map<String, Object> config, String pointer) {
        return JsonPatch.find(config, pointer);
    }
}
