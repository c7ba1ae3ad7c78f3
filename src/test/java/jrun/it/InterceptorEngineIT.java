package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import jrun.testing.Busybox;
import jrun.testing.Cmd;
import jrun.testing.Home;
import jrun.testing.Sandbox;

/**
 * oci-interceptor through the jrun engine (docs/engine.md, src/main/c/engine_plan.c): the config
 * rewrite of a create is done by a private engine (proved by its request count), the launcher then
 * execs the real runtime as the same pid; a deny's message reaches the caller; without an engine the
 * cold path does the same, with the same bytes.
 */
class InterceptorEngineIT {
    Sandbox sb;
    Path runcRoot, rules;
    String oi;

    @BeforeEach
    void setUp() throws IOException {
        assertTrue(Sandbox.isRoot(), "integration tests run as root (CI does)");
        sb = new Sandbox("oi-engine-it");
        runcRoot = Files.createDirectories(sb.dir.resolve("runc-root"));
        oi = Home.bin("oci-interceptor");
        rules = Files.writeString(sb.dir.resolve("policy.yaml"), "version: 1\nrules:\n"
                + "  - name: env\n    edits: [{env: {default: {FROM_RULE: \"1\"}}}]\n"
                + "  - name: no-shells\n    when: {arg0: sh}\n    deny: shells are not allowed here\n");
    }

    @AfterEach
    void tearDown() throws IOException {
        for (String id : Cmd.run("runc", "--root", runcRoot.toString(), "list", "-q").out().split("\n"))
            if (!id.isBlank()) Cmd.run("runc", "--root", runcRoot.toString(), "delete", "--force", id.trim());
        sb.close();
    }

    private EngineIT.Engine engine() {
        return EngineIT.Engine.start(Sandbox.HOME, sb.dir);
    }

    /** oci-interceptor ARGS in cwd, with the engine's socket (or none) in the environment. */
    private Cmd.Result oi(Path cwd, Path socket, Map<String, String> extraEnv, String... args) {
        List<String> argv = new ArrayList<>(List.of(oi));
        argv.addAll(List.of(args));
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put("JRUN_ENGINE_SOCKET", socket != null ? socket.toString() : sb.dir.resolve("none/engine.sock").toString());
        return Cmd.run(argv, cwd, env, 60);
    }

    @Test
    void createRewriteIsDoneWarmAndTheRuntimeKeepsThePid() throws Exception {
        Path b = Busybox.bundle(Files.createDirectories(sb.dir.resolve("b1")), "true");
        // a runtime that reports its own pid, and the state of the config it was given
        Path fake = Files.writeString(sb.dir.resolve("fake-runtime"), "#!/bin/sh\necho \"runtime pid $$\"\n"
                + "grep -c '\"A=1\"' config.json\ngrep -c FROM_RULE config.json\n");
        Files.setPosixFilePermissions(fake, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        try (EngineIT.Engine e = engine()) {
            long before = e.count("requests");
            // the bundle is the caller's cwd (no --bundle): resolved against the client's directory, not the engine's
            Cmd.Result r = Cmd.run(List.of("sh", "-c", "echo \"caller pid $$\"; exec \"$@\"", "sh", oi, "--oi-runtime-path", fake.toString(),
                    "--oi-env", "A=1", "--oi-rules", rules.toString(), "create", "c1"), b, Map.of("JRUN_ENGINE_SOCKET", e.socket().toString()), 60);
            assertEquals(0, r.exit(), r.toString());
            String[] lines = r.out().split("\n");
            assertEquals(4, lines.length, r.toString());
            assertEquals(lines[0].replace("caller", "runtime"), lines[1], "the runtime runs as the launcher's pid: " + r);
            assertEquals("1", lines[2], r.toString());
            assertEquals("1", lines[3], r.toString());
            assertEquals(before + 1, e.count("requests"), "the rewrite was not served by the engine");

            // and a real create through runc, --bundle given
            Path b2 = Busybox.bundle(Files.createDirectories(sb.dir.resolve("b2")), "true");
            Cmd.Result c = oi(sb.dir, e.socket(), Map.of(), "--oi-env", "A=1", "--root", runcRoot.toString(), "create", "--bundle", b2.toString(), "c2");
            assertEquals(0, c.exit(), c.toString());
            assertTrue(Files.readString(b2.resolve("config.json")).contains("\"A=1\""));
            assertTrue(Cmd.run("runc", "--root", runcRoot.toString(), "state", "c2").out().contains("\"created\""));
            assertEquals(before + 2, e.count("requests"));
        }
    }

    @Test
    void denyMessageReachesTheCallerWarm() throws Exception {
        Path b = Busybox.bundle(sb.dir, "sh", "-c", "true");
        String original = Files.readString(b.resolve("config.json"));
        try (EngineIT.Engine e = engine()) {
            long before = e.count("requests");
            Cmd.Result r = oi(sb.dir, e.socket(), Map.of(), "--oi-rules", rules.toString(), "--root", runcRoot.toString(), "create", "--bundle", b.toString(), "c1");
            assertEquals(1, r.exit(), r.toString());
            assertEquals("oci-interceptor: shells are not allowed here (denied by rule no-shells at " + rules + ":5:5)\n", r.err());
            assertEquals("", r.out());
            assertEquals(original, Files.readString(b.resolve("config.json")), "a deny writes nothing");
            assertFalse(Cmd.run("runc", "--root", runcRoot.toString(), "list", "-q").out().contains("c1"));
            assertEquals(before + 1, e.count("requests"));
        }
    }

    @Test
    void withoutAnEngineItRunsCold() throws Exception {
        Path b = Busybox.bundle(sb.dir, "true");
        Cmd.Result r = oi(sb.dir, null, Map.of(), "--oi-env", "A=1", "--root", runcRoot.toString(), "create", "--bundle", b.toString(), "c1");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(Files.readString(b.resolve("config.json")).contains("\"A=1\""));
        // JRUN_ENGINE=off: cold although an engine answers; its count does not move
        Path b2 = Busybox.bundle(Files.createDirectories(sb.dir.resolve("b2")), "true");
        try (EngineIT.Engine e = engine()) {
            long before = e.count("requests");
            Cmd.Result off = oi(sb.dir, e.socket(), Map.of("JRUN_ENGINE", "off"), "--oi-env", "A=1", "--root", runcRoot.toString(), "create", "--bundle",
                    b2.toString(), "c2");
            assertEquals(0, off.exit(), off.toString());
            assertTrue(Files.readString(b2.resolve("config.json")).contains("\"A=1\""));
            assertEquals(before, e.count("requests"));
            // a relative rule file is the caller's: handed back cold, and still applied
            Path b3 = Busybox.bundle(Files.createDirectories(sb.dir.resolve("b3")), "true");
            Cmd.Result rel = oi(sb.dir, e.socket(), Map.of(), "--oi-rules", sb.dir.relativize(rules).toString(), "--root", runcRoot.toString(), "create",
                    "--bundle", b3.toString(), "c3");
            assertEquals(0, rel.exit(), rel.toString());
            assertTrue(Files.readString(b3.resolve("config.json")).contains("FROM_RULE=1"));
            assertEquals(before, e.count("requests"));
        }
    }

    /**
     * The engine SIGKILLed during a rewrite (JRUN_TEST_STOP_AT in the engine: before the write, with
     * half the new file in the temp, after the rename): the client says so in one line and exits 1,
     * config.json is whole (the old bytes, or the new ones after the rename), no temp file is left
     * beside it, the runtime never ran, and nothing is left running.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"rewrite:read", "config:half-written", "rewrite:replaced"})
    void anEngineKilledMidRewriteLeavesTheConfigWholeAndRunsNothing(String step) throws Exception {
        Path b = Busybox.bundle(Files.createDirectories(sb.dir.resolve("b")), "true");
        Path n = Busybox.bundle(Files.createDirectories(sb.dir.resolve("n")), "true");
        String old = Files.readString(b.resolve("config.json"));
        Path mark = sb.dir.resolve("runtime-ran");
        Path fake = Files.writeString(sb.dir.resolve("fake-runtime"), "#!/bin/sh\necho \"$@\" >> " + mark + "\n");
        Files.setPosixFilePermissions(fake, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        String[] flags = {"--oi-runtime-path", fake.toString(), "--oi-env", "A=1", "--oi-rules", rules.toString(), "create", "--bundle"};
        // the new bytes: the same rewrite, cold, of a twin bundle
        List<String> cold = new ArrayList<>(List.of(flags));
        cold.addAll(List.of(n.toString(), "n"));
        assertEquals(0, oi(sb.dir, null, Map.of("JRUN_ENGINE", "off"), cold.toArray(String[]::new)).exit());
        String rewritten = Files.readString(n.resolve("config.json")).replace(n.toString(), b.toString());
        assertFalse(rewritten.equals(old));
        Files.delete(mark);
        try (EngineIT.Engine e = EngineIT.Engine.start(Sandbox.HOME, sb.dir, Map.of("JRUN_TEST_STOP_AT", step))) {
            long enginePid = Long.parseLong(e.status().get("pid"));
            List<String> warm = new ArrayList<>(List.of(flags));
            warm.addAll(List.of(b.toString(), "c1"));
            Cmd.Result r = oi(sb.dir, e.socket(), Map.of(), warm.toArray(String[]::new));
            assertEquals(1, r.exit(), r.toString());
            assertEquals("oci-interceptor: the jrun engine died during the command (see its log); nothing more was done\n", r.err());
            assertEquals("", r.out());
            String now = Files.readString(b.resolve("config.json"));
            assertEquals(step.equals("rewrite:replaced") ? rewritten : old, now, step + ": config.json is not the old nor the new file");
            try (var files = Files.list(b)) { // the temp file is unnamed (O_TMPFILE) until its rename: none is left
                assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(x -> x.endsWith(".tmp")).toList(), step + ": a temp file is left");
            }
            assertFalse(Files.exists(mark), "the runtime ran after the engine died: " + (Files.exists(mark) ? Files.readString(mark) : ""));
            for (int i = 0; i < 250 && ProcessHandle.of(enginePid).isPresent(); i++) Thread.sleep(20);
            assertFalse(ProcessHandle.of(enginePid).isPresent(), "the engine still runs");
            assertTrue(ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine().orElse("").contains(fake.toString())), "a runtime runs");
            // the next call, with no engine left, runs cold and lands
            Cmd.Result again = oi(sb.dir, e.socket(), Map.of(), warm.toArray(String[]::new));
            assertEquals(0, again.exit(), again.toString());
            assertEquals(rewritten, Files.readString(b.resolve("config.json")));
        }
    }

    @Test
    void warmAndColdWriteTheSameConfig() throws Exception {
        Path warm = Busybox.bundle(Files.createDirectories(sb.dir.resolve("warm")), "true");
        Path cold = Busybox.bundle(Files.createDirectories(sb.dir.resolve("cold")), "true");
        String[] flags = {"--oi-readonly-networking-mounts", "--oi-env", "A=1", "--oi-env-force", "X=y", "--oi-rules", rules.toString()};
        try (EngineIT.Engine e = engine()) {
            long before = e.count("requests");
            List<String> w = new ArrayList<>(List.of(flags));
            w.addAll(List.of("--root", runcRoot.toString(), "create", "--bundle", warm.toString(), "w"));
            Cmd.Result rw = oi(sb.dir, e.socket(), Map.of(), w.toArray(String[]::new));
            assertEquals(0, rw.exit(), rw.toString());
            assertEquals(before + 1, e.count("requests"));
            List<String> c = new ArrayList<>(List.of(flags));
            c.addAll(List.of("--root", runcRoot.toString(), "create", "--bundle", cold.toString(), "c"));
            Cmd.Result rc = oi(sb.dir, e.socket(), Map.of("JRUN_ENGINE", "off"), c.toArray(String[]::new));
            assertEquals(0, rc.exit(), rc.toString());
            assertEquals(before + 1, e.count("requests"));
        }
        String wc = Files.readString(warm.resolve("config.json")), cc = Files.readString(cold.resolve("config.json"));
        assertTrue(wc.contains("FROM_RULE=1") && wc.contains("\"A=1\""), wc);
        assertEquals(cc.replace(cold.toString(), "B"), wc.replace(warm.toString(), "B"), "warm and cold rewrites differ");
    }

    @Test
    void concurrentRewritesAllLand() throws Exception {
        int n = 20;
        List<Path> bundles = new ArrayList<>();
        for (int i = 0; i < n; i++) bundles.add(Busybox.bundle(Files.createDirectories(sb.dir.resolve("c" + i)), "true"));
        try (EngineIT.Engine e = engine()) {
            long before = e.count("requests");
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
            List<java.util.concurrent.Future<Cmd.Result>> calls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String[] argv = {"--oi-runtime-path", "/bin/true", "--oi-env", "N" + i + "=v" + i, "create", "--bundle", bundles.get(i).toString(), "c" + i};
                calls.add(pool.submit(() -> oi(sb.dir, e.socket(), Map.of(), argv)));
            }
            for (int i = 0; i < n; i++) {
                Cmd.Result r = calls.get(i).get();
                assertEquals(0, r.exit(), r.toString());
                String config = Files.readString(bundles.get(i).resolve("config.json"));
                assertTrue(config.contains("\"N" + i + "=v" + i + "\""), "bundle " + i + ": " + config);
                for (int k = 0; k < n; k++) if (k != i) assertFalse(config.contains("\"N" + k + "="), "bundle " + i + " got call " + k + "'s env");
            }
            pool.shutdown();
            assertEquals(before + n, e.count("requests"));
        }
    }
}
