package jrun.interceptor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jrun.JrunException;
import jrun.rules.Context;
import jrun.rules.HostDevices;

/** The interceptor applies presets, then CDI, then rule files, and writes nothing on a deny or an error. */
class InterceptorRulesTest {
    @TempDir
    Path dir;
    Path bundle, config, defaultDir;
    String original;

    @BeforeEach
    void bundle() throws Exception {
        bundle = Files.createDirectories(dir.resolve("bundle"));
        config = bundle.resolve("config.json");
        try (InputStream in = getClass().getResourceAsStream("/jrun/rules/docker-config.json")) {
            Files.write(config, in.readAllBytes());
        }
        original = Files.readString(config);
        defaultDir = dir.resolve("rules.d");
    }

    private ExecPlan run(String... flags) {
        List<String> argv = new ArrayList<>(List.of("--oi-runtime-path=/bin/true"));
        argv.addAll(List.of(flags));
        argv.addAll(List.of("create", "--bundle", bundle.toString(), "ctr1"));
        InterceptorArgs args = InterceptorArgs.parse(argv);
        HostDevices none = p -> { throw new AssertionError("no device lookups expected"); };
        return new Interceptor(args, Map.of("PATH", "/bin"), defaultDir, new Context(none, List.of(dir.resolve("cdi")))).run(RuntimeCall.parse(args.runtimeArgs()));
    }

    private Path rules(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    @Test
    void noRulesNoFlagsLeavesTheFileAlone() throws Exception {
        long before = Files.getLastModifiedTime(config).toMillis();
        Thread.sleep(5);
        assertEquals("/bin/true", run().path());
        assertEquals(original, Files.readString(config));
        assertEquals(before, Files.getLastModifiedTime(config).toMillis());
    }

    @Test
    void cdiAnnotationsApplyWithoutAnyRuleOrFlag() throws Exception {
        Path cdi = Files.createDirectories(dir.resolve("cdi"));
        Files.writeString(cdi.resolve("v.yaml"), "cdiVersion: 0.6.0\nkind: vendor.com/fpga\ndevices:\n  - name: a\n"
                + "    containerEdits:\n      deviceNodes: [{path: /dev/fpga0, type: c, major: 240, minor: 0, fileMode: 0o660}]\n");
        Files.writeString(config, original.replace("\"ociVersion\"", "\"annotations\": {\"cdi.k8s.io/fpga\": \"vendor.com/fpga=a\"},\n\t\"ociVersion\""));
        run();
        String now = Files.readString(config);
        assertTrue(now.contains("\"path\": \"/dev/fpga0\""), now);
        assertTrue(now.contains("\"major\": 240"), now);
    }

    @Test
    void defaultDirectoryRulesApplyAfterPresets() throws Exception {
        rules("rules.d/10.yaml", "version: 1\nrules:\n  - name: after-flag\n    when: {env: {A: flag}}\n    edits: [{env: {force: {B: seen-flag}}}]\n");
        run("--oi-env-force", "A=flag", "--oi-readonly-networking-mounts");
        String now = Files.readString(config);
        assertTrue(now.contains("\"B=seen-flag\""), now);
        assertTrue(now.contains("\"rbind\",\n\t\t\t\t\"rprivate\",\n\t\t\t\t\"ro\"") || now.contains("\"ro\""), now);
        assertTrue(now.startsWith("{\n\t\"ociVersion\""), "the file keeps its tab indentation");
    }

    @Test
    void noDefaultRulesSkipsTheDirectory() throws Exception {
        rules("rules.d/10.yaml", "version: 1\nrules:\n  - name: d\n    deny: everything\n");
        assertThrows(JrunException.class, this::run);
        run("--oi-no-default-rules");
        assertEquals(original, Files.readString(config));
    }

    @Test
    void denyLeavesConfigUntouchedAndSaysWhy() throws Exception {
        Path r = rules("policy.yaml", "version: 1\nrules:\n  - name: edit-first\n    edits: [{env: {force: {X: y}}}]\n"
                + "  - name: no-shells\n    when: {arg0: sh}\n    deny: shells are not allowed here\n");
        JrunException e = assertThrows(JrunException.class, () -> run("--oi-rules", r.toString()));
        assertEquals("shells are not allowed here (denied by rule no-shells at " + r + ":5:5)", e.getMessage());
        assertEquals(original, Files.readString(config));
    }

    @Test
    void invalidRuleFileStopsEveryCreate() throws Exception {
        Path r = rules("bad.yaml", "version: 1\nrules:\n  - name: x\n    edits: [{op: add, path: nope, value: 1}]\n");
        JrunException e = assertThrows(JrunException.class, () -> run("--oi-rules", r.toString()));
        assertEquals(r + ":4:29: path: a JSON Pointer starts with '/': nope", e.getMessage());
        assertEquals(original, Files.readString(config));
        assertThrows(JrunException.class, () -> run("--oi-rules", dir.resolve("missing").toString()));
    }

    @Test
    void editErrorWritesNothing() throws Exception {
        Path r = rules("r.yaml", "version: 1\nrules:\n  - name: a\n    edits: [{env: {force: {X: y}}}]\n  - name: b\n    edits: [{op: remove, path: /nope}]\n");
        JrunException e = assertThrows(JrunException.class, () -> run("--oi-rules", r.toString()));
        assertEquals(config + ": " + r + ":5:5: rule b: remove /nope: no value at /nope", e.getMessage());
        assertEquals(original, Files.readString(config));
    }

    @Test
    void debugOutputListsAppliedRules() throws Exception {
        Path r = rules("r.yaml", "version: 1\nrules:\n  - name: tz\n    edits: [{env: {default: {TZ: UTC}}}]\n");
        Path out = dir.resolve("debug");
        run("--oi-write-debug-output", "--oi-debug-output-dir", out.toString(), "--oi-rules", r.toString());
        String log = Files.readString(out.resolve("runtime_calls.log"));
        assertTrue(log.contains(" rules ctr1: edited: rule tz (" + r + ":3:5): when always; edits: env default TZ=UTC\n"), log);
        assertFalse(log.contains("cdi-annotations"), "presets that did nothing are not listed: " + log);
    }
}
