package jrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jrun.JrunException;
import jrun.interceptor.InterceptorArgs;
import jrun.rules.Context;
import jrun.rules.HostDevices;

class RulesCommandTest {
    @TempDir
    Path dir;
    Path config;
    final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() throws Exception {
        config = dir.resolve("config.json");
        try (InputStream in = getClass().getResourceAsStream("/jrun/rules/docker-config.json")) {
            Files.write(config, in.readAllBytes());
        }
    }

    private int run(String... argv) {
        List<String> all = new ArrayList<>(List.of(argv));
        int r = all.indexOf("rules");
        InterceptorArgs args = InterceptorArgs.parse(all.subList(0, r + 1));
        HostDevices none = p -> { throw new AssertionError(p); };
        return new RulesCommand(args, dir.resolve("rules.d"), new Context(none, List.of()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(all.subList(r + 1, all.size()));
    }

    private Path file(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void checkReportsEveryBadFile() throws Exception {
        file("d/1.yaml", "version: 1\nrules:\n  - name: a\n    deny: x\n");
        file("d/2.yaml", "version: 1\nrules:\n  - name: b\n    when: {hostname: \"[\"}\n    deny: x\n");
        file("d/3.json", "{\"version\": 1,}");
        assertEquals(1, run("rules", "check", dir.resolve("d").toString()));
        assertEquals(dir.resolve("d/2.yaml") + ":4:22: hostname: bad regex [: Unclosed character class near index 0\n"
                + dir.resolve("d/3.json") + ":1:15: expected a member name in double quotes\n"
                + "rules check: 2 file(s) with errors\n", err());
        assertEquals("", out());
    }

    @Test
    void checkOkAndDefaultDirectory() throws Exception {
        assertThrows(JrunException.class, () -> run("rules", "check"));
        file("rules.d/1.yaml", "version: 1\nrules:\n  - name: a\n    deny: x\n  - name: b\n    deny: y\n");
        assertEquals(0, run("rules", "check"));
        assertEquals("ok: 2 rule(s) in 1 file(s)\n", out());
    }

    @Test
    void applyPrintsTheResultAndWhyOnStderr() throws Exception {
        Path r = file("r.yaml", "version: 1\nrules:\n  - name: tz\n    when: {arg0: sh}\n    edits: [{env: {default: {TZ: UTC}}}]\n"
                + "  - name: never\n    when: {uid: 5}\n    deny: x\n");
        String before = Files.readString(config);
        assertEquals(0, run("--oi-readonly-networking-mounts", "rules", "apply", "--config", config.toString(), "--rules", r.toString()));
        assertTrue(out().contains("\"TZ=UTC\""), out());
        assertEquals("edited: rule oi-readonly-networking-mounts (preset): when always; edits: mount options of /etc/hostname, /etc/hosts, /etc/resolv.conf: remove [ro, rw], add [ro]\n"
                + "edited: rule tz (" + r + ":3:5): when process.args[0] =~ sh; edits: env default TZ=UTC\n", err());
        assertEquals(before, Files.readString(config), "a dry run writes nothing");
    }

    @Test
    void applyDiff() throws Exception {
        Path r = file("r.yaml", "version: 1\nrules:\n  - name: host\n    edits: [{op: replace, path: /hostname, value: web-1}]\n");
        assertEquals(0, run("rules", "apply", "--config", config.toString(), "--rules", r.toString(), "--diff"));
        String c = config.toString();
        assertEquals("--- " + c + "\n+++ " + c + " (rules applied)\n@@ -97,7 +97,7 @@\n"
                + " \t\"root\": {\n \t\t\"path\": \"/var/lib/docker/overlay2/0123456789abcdef/merged\"\n \t},\n"
                + "-\t\"hostname\": \"3f4e5d6c7b8a\",\n+\t\"hostname\": \"web-1\",\n"
                + " \t\"mounts\": [\n \t\t{\n \t\t\t\"destination\": \"/proc\",\n", out());
    }

    /** Not an empty diff and silence: "no rule matched", and for each rule the test that failed. */
    @Test
    void applyDiffSaysNoRuleMatchedAndWhy() throws Exception {
        Path r = file("r.yaml", "version: 1\nrules:\n  - name: web\n    when: {arg0: sh, hostname: 'web-.*'}\n    edits: [{env: {default: {A: b}}}]\n"
                + "  - name: either\n    when: {anyOf: [{uid: 5}, {image: 'nginx.*'}]}\n    deny: x\n"
                + "  - name: root-ok\n    when: {not: {uid: 0}}\n    deny: y\n");
        String before = Files.readString(config);
        assertEquals(0, run("rules", "apply", "--config", config.toString(), "--rules", r.toString(), "--diff"));
        assertEquals("", out(), "no diff");
        assertEquals("no rule matched:\n"
                + "matched (no change): rule cdi-annotations (preset): when always\n"
                + "not matched: rule web (" + r + ":3:5): not hostname =~ web-.*\n"
                + "not matched: rule either (" + r + ":6:5): none of: not uid in [5]; not image =~ nginx.*\n"
                + "not matched: rule root-ok (" + r + ":9:5): uid in [0] holds\n"
                + "no change: the config is left as it is\n", err());
        assertEquals(before, Files.readString(config));
        err.reset();
        Path none = dir.resolve("empty.d");
        Files.createDirectories(none);
        assertEquals(0, run("--oi-no-default-rules", "rules", "apply", "--config", config.toString(), "--rules", none.toString(), "--diff"));
        assertTrue(err().startsWith("no rule matched:\n"), err());
    }

    @Test
    void applyDenyExitsThree() throws Exception {
        Path r = file("r.yaml", "version: 1\nrules:\n  - name: no-sh\n    when: {arg0: sh}\n    deny: no shells\n");
        assertEquals(RulesCommand.DENIED, run("rules", "apply", "--config", config.toString(), "--rules", r.toString(), "--all"));
        assertEquals("matched (no change): rule cdi-annotations (preset): when always\ndenied: rule no-sh (" + r + ":3:5): when process.args[0] =~ sh; message: no shells\n"
                + "denied: no shells (denied by rule no-sh at " + r + ":3:5)\n", err());
        assertEquals("", out());
    }

    @Test
    void usageErrors() {
        assertEquals(2, assertThrows(JrunException.class, () -> run("rules")).exitCode());
        assertEquals(2, assertThrows(JrunException.class, () -> run("rules", "lint")).exitCode());
        assertEquals(2, assertThrows(JrunException.class, () -> run("rules", "apply")).exitCode());
        assertEquals(2, assertThrows(JrunException.class, () -> run("rules", "apply", "--config")).exitCode());
    }
}
