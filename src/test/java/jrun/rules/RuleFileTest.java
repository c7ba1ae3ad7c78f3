package jrun.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import jrun.JrunException;

/** Every error a rule file can have names FILE:LINE:COLUMN. */
class RuleFileTest {
    private static String yamlError(String text) {
        return assertThrows(JrunException.class, () -> RuleFile.parse("r.yaml", text, true)).getMessage();
    }

    private static String rule(String body) {
        return yamlError("version: 1\nrules:\n  - name: r\n" + body);
    }

    @Test
    void aRuleFileOverTheSizeLimitIsRefusedBeforeItIsParsed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path f = dir.resolve("big.yaml");
        try (java.io.RandomAccessFile r = new java.io.RandomAccessFile(f.toFile(), "rw")) {
            r.setLength(62L << 20); // sparse: 62 MB of NULs, garbage a parser would reject only after reading it whole
        }
        assertEquals("rule file " + f + ": larger than the limit of 4194304 bytes; not read",
                assertThrows(JrunException.class, () -> RuleFile.read(f)).getMessage());
        java.nio.file.Files.writeString(f, "version: 1\nrules: []\n");
        assertEquals(0, RuleFile.read(f).size(), "a small one is read");
    }

    @Test
    void aRegexOverItsLimitIsRefusedByPosition() {
        String rule = "version: 1\nrules:\n  - name: r\n    when:\n      env: {PATH: \"%s\"}\n    edits:\n      - env: {default: {A: \"1\"}}\n";
        assertEquals("r.yaml:5:19: PATH: a regex of 4097 characters; the limit is 4096", yamlError(rule.formatted("x".repeat(4097))));
        RuleFile.parse("r.yaml", rule.formatted("x".repeat(4096)), true);
    }

    @Test
    void jsonRuleFilesWork() {
        var rules = RuleFile.parse("r.json", "{\"version\": 1, \"rules\": [{\"name\": \"a\", \"when\": {\"uid\": 0},\n \"deny\": \"no\"}]}", false);
        assertEquals("r.json:1:26", rules.get(0).source());
        assertEquals("no", rules.get(0).deny());
    }

    @Test
    void jsonErrorsHavePositions() {
        assertEquals("r.json:2:1: expected ',' or '}' in object",
                assertThrows(JrunException.class, () -> RuleFile.parse("r.json", "{\"version\": 1\n\"rules\": []}", false)).getMessage());
        assertEquals("r.json:1:31: name: expected a string, found a number",
                assertThrows(JrunException.class, () -> RuleFile.parse("r.json", "{\"version\":1,\"rules\":[{\"name\":5,\"deny\":\"x\"}]}", false)).getMessage());
    }

    @Test
    void topLevelErrors() {
        assertEquals("r.yaml:1:1: empty rule file (expected version and rules)", yamlError("# empty\n"));
        assertEquals("r.yaml:1:1: missing \"version: 1\"", yamlError("rules: []\n"));
        assertEquals("r.yaml:1:10: version: unsupported version 2 (this oci-interceptor reads version 1)", yamlError("version: 2\nrules: []\n"));
        assertEquals("r.yaml:2:7: unknown key \"rule\" in a rule file (expected one of rules, version)", yamlError("version: 1\nrule: []\n"));
        assertEquals("r.yaml:2:8: rules: expected a list, found a string", yamlError("version: 1\nrules: x\n"));
    }

    @Test
    void ruleErrors() {
        assertEquals("r.yaml:3:5: missing \"name\"", yamlError("version: 1\nrules:\n  - deny: x\n"));
        assertEquals("r.yaml:3:11: name: use letters, digits, '.', '_' and '-' (at most 128)", yamlError("version: 1\nrules:\n  - name: a b\n    deny: x\n"));
        assertEquals("r.yaml:3:5: rule r: give edits, deny or both", rule("    when: {uid: 0}\n"));
        assertEquals("r.yaml:4:11: unknown key \"edit\" in a rule (expected one of deny, description, edits, name, record, when)", rule("    edit: []\n"));
        assertEquals("r.yaml:5:11: deny: with edits, deny is given when a \"test\" edit fails; this rule has no test",
                rule("    edits: [{env: {force: {A: b}}}]\n    deny: x\n"));
        assertEquals("r.yaml:4:11: deny: an empty deny message", rule("    deny: \" \"\n"));
        assertEquals("r.yaml:4:13: record: expected true or false, found a string", rule("    record: yes\n    deny: x\n"));
    }

    @Test
    void conditionErrors() {
        assertEquals("r.yaml:4:18: unknown key \"host\" in when (expected one of allOf, always, annotations, anyOf, arg0, args, env, hostname, image, mount, namespaces, not, pointer, privileged, uid)",
                rule("    when: {host: x}\n    deny: x\n"));
        assertEquals("r.yaml:4:22: hostname: bad regex web-[: Unclosed character class near index 4", rule("    when: {hostname: \"web-[\"}\n    deny: x\n"));
        assertEquals("r.yaml:4:34: network: expected one of [host, private, joined, isolated]".replaceAll("\\[.*\\]", "X"),
                rule("    when: {namespaces: {network: none}}\n    deny: x\n").replaceAll("\\[.*\\]", "X"));
        assertEquals("r.yaml:4:11: when: an empty `when` (use `always: true`)", rule("    when: {}\n    deny: x\n"));
        assertEquals("r.yaml:4:17: uid: expected a uid or a range like \"1000-1999\"", rule("    when: {uid: root}\n    deny: x\n"));
        assertEquals("r.yaml:4:19: anyOf: an empty list", rule("    when: {anyOf: []}\n    deny: x\n"));
        assertEquals("r.yaml:4:28: path: a JSON Pointer starts with '/': linux", rule("    when: {pointer: {path: linux, exists: true}}\n    deny: x\n"));
        assertEquals("r.yaml:4:21: pointer: give exists, equals, matches, greaterThan or lessThan", rule("    when: {pointer: {path: /linux}}\n    deny: x\n"));
    }

    @Test
    void editErrors() {
        assertEquals("r.yaml:4:18: op: unknown op \"append\" (expected one of [add, remove, replace, move, copy, test])", rule("    edits: [{op: append, path: /a}]\n"));
        assertEquals("r.yaml:4:18: add needs a \"value\"", rule("    edits: [{op: add, path: /a}]\n"));
        assertEquals("r.yaml:4:32: path: bad escape '~' in pointer /a~2 (use ~0 or ~1)", rule("    edits: [{op: remove, path: /a~2}]\n"));
        assertEquals("r.yaml:4:22: an edit is an RFC 6902 operation (with \"op\") or one of [annotations, capabilities, cdi, device, env, hook, merge, mount, rlimit, seccomp], not \"mounts\"",
                rule("    edits: [{mounts: {}}]\n"));
        assertEquals("r.yaml:4:21: mount: give exactly one of remove: true, set, or addOptions/removeOptions", rule("    edits: [{mount: {destination: /a}}]\n"));
        assertEquals("r.yaml:4:28: stage: unknown stage (expected one of [createContainer, createRuntime, poststart, poststop, prechroot, prestart, startContainer])",
                rule("    edits: [{hook: {stage: later, path: /bin/x}}]\n"));
        assertEquals("r.yaml:4:29: path: a device path must be under /dev/", rule("    edits: [{device: {path: /tmp/x}}]\n"));
        assertEquals("r.yaml:4:35: sets: unknown set all (expected [bounding, effective, inheritable, permitted, ambient])", rule("    edits: [{capabilities: {sets: [all], add: [X]}}]\n"));
        assertEquals("r.yaml:4:22: rlimit: give soft and hard, or remove: true", rule("    edits: [{rlimit: {type: nofile, soft: 1}}]\n"));
        assertEquals("r.yaml:4:23: seccomp: give either profile or syscalls", rule("    edits: [{seccomp: {}}]\n"));
        assertEquals("r.yaml:4:29: devices: \"gpu0\" is not a CDI name like vendor.com/class=device", rule("    edits: [{cdi: {devices: [gpu0]}}]\n"));
        assertEquals("r.yaml:4:35: A=B: bad variable name", rule("    edits: [{env: {force: {\"A=B\": c}}}]\n"));
    }
}
