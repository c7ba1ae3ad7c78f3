package jrun.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ConditionsTest {
    /** Whether a rule with this `when` (YAML flow mapping) matches the Docker config after the merge patch. */
    private static boolean holds(String when, String patch) {
        RuleSet rs = TestSupport.yaml("version: 1\nrules:\n  - name: r\n    when: " + when + "\n    deny: no\n");
        Map<String, Object> c = TestSupport.dockerConfig();
        if (patch != null) new MergePatch(TestSupport.json(patch)).apply(c, TestSupport.ctx());
        return !rs.apply(c, TestSupport.ctx()).allowed();
    }

    private static boolean holds(String when) {
        return holds(when, null);
    }

    @Test
    void always() {
        assertTrue(holds("{always: true}"));
    }

    @Test
    void annotationsAreAnchoredOnKeyAndValue() {
        String p = "{\"annotations\": {\"com.example/team\": \"payments-eu\"}}";
        assertTrue(holds("{annotations: {com\\.example/.*: payments-.*}}", p));
        assertFalse(holds("{annotations: {com\\.example/team: payments}}", p), "value regex must match the whole value");
        assertFalse(holds("{annotations: {example/team: .*}}", p), "key regex must match the whole key");
        assertFalse(holds("{annotations: {.*: .*}}"), "no annotations at all");
    }

    @Test
    void arg0AndArgs() {
        assertTrue(holds("{arg0: sh}"));
        assertFalse(holds("{arg0: s}"));
        assertTrue(holds("{args: [sh, -c, .*sleep.*]}", "{\"process\": {\"args\": [\"sh\", \"-c\", \"sleep 1\"]}}"));
        assertFalse(holds("{args: [sh, -c]}", "{\"process\": {\"args\": [\"sh\", \"-c\", \"sleep 1\"]}}"), "length must match");
    }

    @Test
    void envPresentAbsentOrMatching() {
        assertTrue(holds("{env: {HOSTNAME: true}}"));
        assertTrue(holds("{env: {DEBUG: false}}"));
        assertFalse(holds("{env: {HOSTNAME: false}}"));
        assertTrue(holds("{env: {PATH: \".*/usr/bin.*\"}}"));
        assertFalse(holds("{env: {PATH: /usr/bin}}"));
        assertFalse(holds("{env: {PATHX: .*}}"));
    }

    @Test
    void imageFromEachClientsAnnotation() {
        for (String k : Conditions.IMAGE_ANNOTATIONS) {
            assertTrue(holds("{image: \"nginx:.*\"}", "{\"annotations\": {\"" + k + "\": \"nginx:1.27\"}}"), k);
        }
        assertFalse(holds("{image: \"nginx:.*\"}", "{\"annotations\": {\"io.kubernetes.cri.image-name\": \"my-nginx:1\"}}"));
        assertFalse(holds("{image: .*}"), "Docker 20.10 configs have no image annotation");
    }

    @Test
    void hostname() {
        assertTrue(holds("{hostname: \"[0-9a-f]{12}\"}"));
        assertFalse(holds("{hostname: \"[0-9a-f]{11}\"}"));
        assertTrue(holds("{hostname: \"\"}", "{\"hostname\": null}"));
    }

    @Test
    void mountByDestinationSourceTypeOption() {
        assertTrue(holds("{mount: {destination: /etc/hosts, type: bind}}"));
        assertTrue(holds("{mount: {destination: /etc/hosts}}", "{\"mounts\": [{\"destination\": \"/etc//hosts/\"}]}"), "destinations are normalised");
        assertTrue(holds("{mount: {source: /var/lib/docker/.*/hosts}}"));
        assertFalse(holds("{mount: {destination: /etc/hosts, type: tmpfs}}"), "all fields must match the same mount");
        assertTrue(holds("{mount: {destination: /sys, option: ro}}"));
        assertFalse(holds("{mount: {destination: /proc, option: ro}}"));
    }

    @Test
    void namespaces() {
        assertTrue(holds("{namespaces: {network: private}}"));
        assertTrue(holds("{namespaces: {network: isolated, user: host}}"));
        assertFalse(holds("{namespaces: {network: host}}"));
        String hostNet = "{\"linux\": {\"namespaces\": [{\"type\": \"pid\"}]}}";
        assertTrue(holds("{namespaces: {network: host}}", hostNet));
        assertTrue(holds("{namespaces: {network: joined}}", "{\"linux\": {\"namespaces\": [{\"type\": \"network\", \"path\": \"/proc/1/ns/net\"}]}}"));
    }

    @Test
    void uidValuesAndRanges() {
        assertTrue(holds("{uid: 0}"));
        assertFalse(holds("{uid: \"1000-\"}"));
        String u = "{\"process\": {\"user\": {\"uid\": 1500}}}";
        assertTrue(holds("{uid: \"1000-1999\"}", u));
        assertTrue(holds("{uid: [0, \"1500-1500\"]}", u));
        assertFalse(holds("{uid: [0, 1]}", u));
    }

    @Test
    void privilegedLooking() {
        assertFalse(holds("{privileged: true}"));
        assertTrue(holds("{privileged: false}"));
        String caps = String.join("\",\"", Conditions.Privileged.CLASSIC_CAPS);
        String priv = "{\"process\": {\"capabilities\": {\"bounding\": [\"" + caps + "\"]}}, \"linux\": {\"seccomp\": null}}";
        assertTrue(holds("{privileged: true}", priv));
        String capsButSeccomp = "{\"process\": {\"capabilities\": {\"bounding\": [\"" + caps + "\"]}}}";
        assertFalse(holds("{privileged: true}", capsButSeccomp));
    }

    @Test
    void pointer() {
        assertTrue(holds("{pointer: {path: /linux/cgroupsPath, matches: /docker/.*}}"));
        assertTrue(holds("{pointer: {path: /linux/resources/memory/limit, exists: false}}"));
        assertFalse(holds("{pointer: {path: /linux/resources/memory/limit, greaterThan: 0}}"), "absent is not greater");
        String mem = "{\"linux\": {\"resources\": {\"memory\": {\"limit\": 2048}}}}";
        assertTrue(holds("{pointer: {path: /linux/resources/memory/limit, greaterThan: 1024, lessThan: 4096}}", mem));
        assertFalse(holds("{pointer: {path: /linux/resources/memory/limit, lessThan: 2048}}", mem));
        assertTrue(holds("{pointer: {path: /process/user/uid, equals: 0.0}}"), "numbers compare by value");
        assertTrue(holds("{pointer: {path: /mounts/0/type, equals: proc}}"));
    }

    @Test
    void notAnyOfAllOf() {
        assertTrue(holds("{not: {hostname: web}}"));
        assertFalse(holds("{not: {always: true}}"));
        assertTrue(holds("{anyOf: [{hostname: web}, {arg0: sh}]}"));
        assertFalse(holds("{anyOf: [{hostname: web}, {arg0: bash}]}"));
        assertFalse(holds("{allOf: [{arg0: sh}, {uid: 1}]}"));
        assertFalse(holds("{arg0: sh, uid: 1}"), "every key of when must hold");
    }

    @Test
    void whyNamesTheConditions() {
        RuleSet rs = TestSupport.yaml("version: 1\nrules:\n  - name: r\n    when: {arg0: sh, not: {uid: 5}}\n    deny: no\n");
        RuleSet.Result r = rs.apply(TestSupport.dockerConfig(), TestSupport.ctx());
        assertEquals("process.args[0] =~ sh and not (uid in [5])", r.denied().why());
        assertEquals(List.of(), r.denied().edits());
    }
}
