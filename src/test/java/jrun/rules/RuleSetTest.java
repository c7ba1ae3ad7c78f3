package jrun.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jrun.JrunException;

class RuleSetTest {
    @TempDir
    Path dir;

    private Path file(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    private static String forceEnv(String rule, String value) {
        return "version: 1\nrules:\n  - name: " + rule + "\n    edits: [{env: {force: {ORDER: " + value + "}}}]\n";
    }

    @Test
    void directoriesByNameThenPathsInOrderEachRuleSeesTheLastOnesResult() throws Exception {
        file("d/20-b.yaml", forceEnv("b", "b"));
        file("d/10-a.json", "{\"version\": 1, \"rules\": [{\"name\": \"a\", \"edits\": [{\"env\": {\"force\": {\"ORDER\": \"a\"}}}]}]}");
        file("d/README", "not a rule file");
        file("d/.hidden.yaml", "garbage: [");
        Path last = file("last.rules", forceEnv("c", "c"));
        RuleSet rs = RuleSet.load(List.of(dir.resolve("d"), last));
        assertEquals(List.of("a", "b", "c"), rs.rules().stream().map(Rule::name).toList());
        Map<String, Object> config = TestSupport.dockerConfig();
        rs.apply(config, TestSupport.ctx());
        assertEquals("ORDER=c", TestSupport.at(config, "/process/env/2"));
    }

    @Test
    void defaultDirectoryIsReadOnlyWhenItExists() {
        assertEquals(List.of(), RuleSet.paths(dir.resolve("missing"), List.of()));
        assertEquals(List.of(dir, Path.of("x")), RuleSet.paths(dir, List.of("x")));
        assertEquals(List.of(Path.of("x")), RuleSet.paths(null, List.of("x")));
    }

    @Test
    void missingExplicitPathFailsClosed() {
        JrunException e = assertThrows(JrunException.class, () -> RuleSet.load(List.of(dir.resolve("nope.yaml"))));
        assertEquals("rule path " + dir.resolve("nope.yaml") + ": no such file or directory", e.getMessage());
    }

    @Test
    void oneBadFileFailsTheWholeLoad() throws Exception {
        file("d/10-good.yaml", forceEnv("good", "x"));
        file("d/20-bad.yaml", "version: 1\nrules:\n  - name: bad\n    when: {hostname: \"(\"}\n    deny: x\n");
        JrunException e = assertThrows(JrunException.class, () -> RuleSet.load(List.of(dir.resolve("d"))));
        assertTrue(e.getMessage().startsWith(dir.resolve("d/20-bad.yaml") + ":4:22: hostname: bad regex ("), e.getMessage());
    }

    @Test
    void unreadableFileFailsClosed() throws Exception {
        Path p = file("bad-utf8.yaml", "");
        Files.write(p, new byte[] {'a', ':', ' ', (byte) 0xff});
        assertEquals(p + ": invalid UTF-8", assertThrows(JrunException.class, () -> RuleSet.load(List.of(p))).getMessage());
    }

    @Test
    void duplicateNamesAcrossFiles() throws Exception {
        Path a = file("a.yaml", forceEnv("same", "1"));
        Path b = file("b.yaml", forceEnv("same", "2"));
        assertEquals(b + ":3:5: rule name \"same\" is already used at " + a + ":3:5",
                assertThrows(JrunException.class, () -> RuleSet.load(List.of(a, b))).getMessage());
    }

    @Test
    void firstDenyStopsAndNothingAfterItRuns() {
        RuleSet rs = TestSupport.yaml("version: 1\nrules:\n  - name: e\n    edits: [{env: {force: {A: b}}}]\n"
                + "  - name: d\n    when: {arg0: sh}\n    deny: no shells\n  - name: after\n    edits: [{env: {force: {C: d}}}]\n");
        RuleSet.Result r = rs.apply(TestSupport.dockerConfig(), TestSupport.ctx());
        assertEquals("no shells (denied by rule d at test.yaml:5:5)", r.denyMessage());
        assertEquals(List.of(RuleSet.Kind.EDITED, RuleSet.Kind.DENIED), r.outcomes().stream().map(RuleSet.Outcome::kind).toList());
    }

    @Test
    void denyUnlessTestsHold() {
        RuleSet rs = TestSupport.yaml("version: 1\nrules:\n  - name: root-only\n"
                + "    edits: [{op: test, path: /process/user/uid, value: 1000}]\n    deny: only uid 1000 may run here\n");
        RuleSet.Result r = rs.apply(TestSupport.dockerConfig(), TestSupport.ctx());
        assertEquals("only uid 1000 may run here (denied by rule root-only at test.yaml:3:5)", r.denyMessage());
        assertEquals("always, and test /process/user/uid: found 0, not 1000", r.denied().why());
        Map<String, Object> c = TestSupport.dockerConfig();
        new MergePatch(TestSupport.json("{\"process\": {\"user\": {\"uid\": 1000}}}")).apply(c, TestSupport.ctx());
        assertNull(rs.apply(c, TestSupport.ctx()).denied());
    }

    @Test
    void editErrorsNameTheRule() {
        RuleSet rs = TestSupport.yaml("version: 1\nrules:\n  - name: r\n    edits: [{env: {force: {A: b}}}]\n");
        Map<String, Object> c = TestSupport.json("{\"process\": {\"env\": \"not a list\"}}");
        assertEquals("test.yaml:3:5: rule r: process.env: expected an array, found a string",
                assertThrows(JrunException.class, () -> rs.apply(c, TestSupport.ctx())).getMessage());
    }

    @Test
    void reportLines() {
        RuleSet rs = TestSupport.yaml("version: 1\nrules:\n  - name: r\n    when: {arg0: sh}\n    edits: [{env: {force: {A: b}}}]\n");
        RuleSet.Result r = rs.apply(TestSupport.dockerConfig(), TestSupport.ctx());
        assertEquals("edited: rule r (test.yaml:3:5): when process.args[0] =~ sh; edits: env force A=b", RulesReport.line(r.outcomes().get(0)));
    }

    @Test
    void mountIndexFollowsEditsThatMoveMounts() {
        RuleSet rs = TestSupport.yaml("""
                version: 1
                rules:
                  - name: see-hosts
                    when: {mount: {destination: /etc/hosts}}
                    edits: [{mount: {destination: /etc/hosts, addOptions: [ro]}}]
                  - name: patch-add
                    edits: [{op: add, path: /mounts/-, value: {destination: /added, type: tmpfs, source: tmpfs}}]
                  - name: sees-patch
                    when: {mount: {destination: /added}}
                    edits: [{mount: {destination: /added, addOptions: [nosuid]}}]
                  - name: rename
                    edits: [{op: replace, path: /mounts/10/destination, value: /renamed}]
                  - name: old-name-gone
                    when: {mount: {destination: /added}}
                    deny: stale index
                  - name: set-then-options
                    edits:
                      - mount: {destination: /set, set: {type: tmpfs, source: tmpfs}}
                      - mount: {destination: /set, addOptions: [ro]}
                  - name: merge-replaces-mounts
                    edits: [{merge: {mounts: [{destination: /only, type: tmpfs}]}}]
                  - name: sees-merge
                    when: {mount: {destination: /only}}
                    edits: [{mount: {destination: /only, addOptions: [ro]}}]
                """);
        Map<String, Object> c = TestSupport.dockerConfig();
        RuleSet.Result r = rs.apply(c, TestSupport.ctx());
        assertNull(r.denied(), () -> r.denyMessage());
        assertEquals(List.of(RuleSet.Kind.EDITED, RuleSet.Kind.EDITED, RuleSet.Kind.EDITED, RuleSet.Kind.EDITED,
                RuleSet.Kind.NOT_MATCHED, RuleSet.Kind.EDITED, RuleSet.Kind.EDITED, RuleSet.Kind.EDITED),
                r.outcomes().stream().map(RuleSet.Outcome::kind).toList());
        assertEquals(List.of(Map.of("destination", "/only", "type", "tmpfs", "options", List.of("ro"))), c.get("mounts"));
    }
}
