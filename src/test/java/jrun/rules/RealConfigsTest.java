package jrun.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The cookbook's policies (read from docs/rules.md) on config.json files Docker 20.10 and Podman
 * 4.3 really wrote on this machine (src/test/resources/jrun/rules/captured/README.md).
 */
class RealConfigsTest {
    private static RuleSet cookbook(String... names) throws Exception {
        StringBuilder sb = new StringBuilder("version: 1\nrules:\n");
        for (String block : DocsExamplesTest.ruleBlocks()) {
            for (String n : names) {
                if (block.contains("  - name: " + n + "\n")) {
                    sb.append(block.substring(block.indexOf("rules:\n") + 7));
                    break;
                }
            }
        }
        return TestSupport.yaml(sb.toString());
    }

    private static RuleSet.Result apply(RuleSet rules, String fixture, HostNamespaces ns) {
        Map<String, Object> c = TestSupport.captured(fixture);
        return rules.apply(c, new Context(TestSupport.fakeDevices(), ns, List.of()));
    }

    private static String denier(RuleSet.Result r) {
        return r.denied() == null ? null : r.denied().rule().name();
    }

    @Test
    void policiesOnDockerConfigs() throws Exception {
        RuleSet rules = cookbook("no-privileged", "no-host-network", "memory-cap", "memory-default", "readonly-networking");
        HostNamespaces docker = TestSupport.dockerHostNetns();
        RuleSet.Result plain = apply(rules, "docker-20.10-default.json", docker);
        assertNull(plain.denied());
        assertEquals(List.of("readonly-networking", "memory-default"), plain.outcomes().stream()
                .filter(o -> o.kind() == RuleSet.Kind.EDITED).map(o -> o.rule().name()).toList());
        assertEquals("no-privileged", denier(apply(rules, "docker-20.10-priv.json", docker)));
        assertEquals("no-host-network", denier(apply(rules, "docker-20.10-host.json", docker)));
        assertEquals("memory-cap", denier(apply(rules, "docker-20.10-mem.json", docker)));
    }

    @Test
    void dockerHostNetworkIsFoundByComparingNamespacesNotPaths() throws Exception {
        RuleSet rules = cookbook("no-host-network");
        // on a host where /var/run/docker/netns/default is not our namespace (here: it does not exist), it is "joined"
        assertNull(apply(rules, "docker-20.10-host.json", HostNamespaces.HOST).denied());
        assertEquals("no-host-network", denier(apply(rules, "docker-20.10-host.json", TestSupport.dockerHostNetns())));
    }

    @Test
    void policiesOnPodmanConfigs() throws Exception {
        RuleSet rules = cookbook("no-privileged", "no-host-network");
        HostNamespaces none = (type, path) -> false;
        assertNull(apply(rules, "podman-4.3-default.json", none).denied(), "podman's own netns is joined by path, not the host's");
        assertEquals("no-host-network", denier(apply(rules, "podman-4.3-host.json", none)));
    }

    @Test
    void realHostNamespaceComparison() {
        assertEquals(true, HostNamespaces.HOST.isOurs("network", "/proc/self/ns/net"));
        assertEquals(true, HostNamespaces.HOST.isOurs("mount", "/proc/self/ns/mnt"));
        assertEquals(false, HostNamespaces.HOST.isOurs("network", "/proc/self/ns/mnt"), "another namespace");
        assertEquals(false, HostNamespaces.HOST.isOurs("network", "/nonexistent"));
    }
}
