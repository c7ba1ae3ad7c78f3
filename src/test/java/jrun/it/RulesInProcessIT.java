package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import jrun.testing.Sandbox;

/**
 * jrun --rules / --oi-*: the rule engine runs inside jrun's create (no second process): edits reach
 * the container, exec sees the edited config and the env presets, config.json on disk stays as it
 * was unless --rules-write-config, and a denying rule stops create with its message and leaves nothing.
 */
class RulesInProcessIT extends WithSandbox {
    Path rules;

    @BeforeEach
    void setUp() throws Exception {
        rules = Files.writeString(sb.dir.resolve("rules.yaml"), """
                version: 1
                rules:
                  - name: no-denied
                    when:
                      hostname: "denied"
                    deny: hostname denied is not allowed here
                  - name: mark
                    when:
                      hostname: "edited"
                    edits:
                      - env: {force: {MARK: by-rule}}
                """);
    }

    Sandbox.Result jrun(String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of("--oi-no-default-rules", "--rules", rules.toString(), "--oi-env", "PRESET=p",
                "--oi-env-force", "FORCED=f"));
        a.addAll(List.of(args));
        return sb.jrun(a.toArray(String[]::new));
    }

    @Test
    void editsApplyInMemoryAndReachRunAndExec() throws Exception {
        Path b = sb.bundle("b", c -> {
            c.put("hostname", "edited");
            Sandbox.process(c).put("env", new ArrayList<Object>(List.of("PATH=/bin", "FORCED=mine", "PRESET=mine")));
            Sandbox.args(c, "sh", "-c", "echo MARK=$MARK PRESET=$PRESET FORCED=$FORCED");
        });
        byte[] before = Files.readAllBytes(b.resolve("config.json"));
        Sandbox.Result r = jrun("run", "--bundle", b.toString(), "r1").ok();
        assertEquals("MARK=by-rule PRESET=mine FORCED=f\n", r.out());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(b.resolve("config.json"))), "config.json untouched on disk");

        Path l = sb.bundle("l", c -> {
            c.put("hostname", "edited");
            Sandbox.args(c, "sleep", "100");
        });
        jrun("run", "--detach", "--bundle", l.toString(), "l1").ok();
        Sandbox.Result e = jrun("exec", "l1", "sh", "-c", "echo MARK=$MARK PRESET=$PRESET FORCED=$FORCED").ok();
        assertEquals("MARK=by-rule PRESET=p FORCED=f\n", e.out(), "exec starts from the edited config");
        sb.jrun("delete", "-f", "l1").ok();
        // without the flags, plain jrun applies no rules
        Sandbox.Result plain = sb.jrun("run", "--bundle", b.toString(), "r2").ok();
        assertEquals("MARK= PRESET=mine FORCED=mine\n", plain.out());
    }

    @Test
    void writeConfigOnlyWhenAsked() throws Exception {
        Path b = sb.bundle("b", c -> {
            c.put("hostname", "edited");
            Sandbox.args(c, "true");
        });
        jrun("--rules-write-config", "run", "--bundle", b.toString(), "w1").ok();
        assertTrue(Files.readString(b.resolve("config.json")).contains("MARK=by-rule"));
    }

    @Test
    void aDenyingRuleStopsCreateAndLeavesNothing() throws Exception {
        Path b = sb.bundle("b", c -> {
            c.put("hostname", "denied");
            Sandbox.args(c, "true");
        });
        Sandbox.Result r = jrun("create", "--bundle", b.toString(), "d1");
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("hostname denied is not allowed here"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertFalse(Files.exists(sb.jrunRoot.resolve("d1")));
        Sandbox.Result bad = sb.jrun("--oi-bogus", "x", "list");
        assertEquals(2, bad.status(), bad.err());
        assertTrue(bad.err().contains("--oi-bogus"), bad.err());
    }
}
