package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import jrun.spec.Json;
import jrun.testing.Cmd;
import jrun.testing.Sandbox;

/**
 * The jrun engine (docs/engine.md): each test starts its own engine on a private socket
 * (JRUN_ENGINE_SOCKET) and stops it in finally. That a call was served warm is proved by the
 * engine's request count (`jrun engine status`), which only served requests raise.
 */
class EngineIT extends WithSandbox {
    /** An engine of install home (bin/jrun) on a socket under dir; stop() in finally. */
    record Engine(Path home, Path socket) implements AutoCloseable {
        static Engine start(Path home, Path dir) {
            return start(home, dir, Map.of());
        }

        /** With env added to the engine's environment (JRUN_TEST_STOP_AT: the engine SIGKILLs itself there). */
        static Engine start(Path home, Path dir, Map<String, String> env) {
            Engine e = new Engine(home, dir.resolve("engine/engine.sock"));
            Cmd.Result r = e.jrun(env, "engine", "start");
            assertEquals(0, r.exit(), "engine start: " + r);
            return e;
        }

        /** bin/jrun of this engine's install, through the engine when it serves the command. */
        Cmd.Result jrun(String... args) {
            return jrun(Map.of(), args);
        }

        Cmd.Result jrun(Map<String, String> env, String... args) {
            List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/jrun").toString()));
            cmd.addAll(List.of(args));
            Map<String, String> all = new HashMap<>(env);
            all.put("JRUN_ENGINE_SOCKET", socket.toString());
            return Cmd.run(cmd, null, all, 60);
        }

        /** engine status's fields (requests, fallbacks, pid ...); empty when it does not answer. */
        Map<String, String> status() {
            Cmd.Result r = jrun(Map.of("JRUN_ENGINE", "off"), "engine", "status"); // not asked of the engine: no count moves
            Map<String, String> m = new HashMap<>();
            if (r.exit() != 0) return m;
            for (String line : r.out().split("\n")) {
                int sp = line.indexOf(' ');
                if (sp > 0) m.put(line.substring(0, sp), line.substring(sp + 1));
            }
            return m;
        }

        long count(String field) {
            return Long.parseLong(status().get(field));
        }

        /** Stops it, and kills it if stop did not work, even when status or stop themselves fail (a test's timeout). */
        @Override
        public void close() {
            String pid = null;
            try {
                pid = status().get("pid");
                jrun("engine", "stop");
            } catch (RuntimeException | AssertionError e) {
                // killed below: its pid file (`engine start` writes it beside the socket)
            } finally {
                if (pid == null) {
                    try {
                        pid = java.nio.file.Files.readString(socket.resolveSibling("engine.pid")).strip();
                    } catch (java.io.IOException ignored) {
                        // no pid file: it never started, or it removed it as it stopped
                    }
                }
                if (pid != null && !pid.isEmpty()) Cmd.run("kill", "-9", pid);
            }
        }
    }

    private Engine engine() {
        Engine e = Engine.start(Sandbox.HOME, sb.dir);
        sb.jrunEnv.put("JRUN_ENGINE_SOCKET", e.socket().toString());
        return e;
    }

    private String status(String id) throws Exception {
        return ((Map<?, ?>) Json.parse(sb.jrun("state", id).ok().out())).get("status").toString();
    }

    @Test
    void warmLifecycleIsServedByTheEngine() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        try (Engine e = engine()) {
            Path socket = e.socket();
            assertEquals("srw-------", Cmd.run("stat", "-c", "%A", socket.toString()).out().strip(), "socket mode");
            assertEquals("drwx------", Cmd.run("stat", "-c", "%A", socket.getParent().toString()).out().strip(), "socket dir mode");
            long before = e.count("requests");
            sb.jrun("create", "--bundle", b.toString(), "c1").ok();
            assertEquals("created", status("c1"));
            sb.jrun("start", "c1").ok();
            assertEquals("running", status("c1"));
            Sandbox.Result ex = sb.jrun("exec", "c1", "echo", "hi");
            assertEquals("hi\n", ex.ok().out());
            assertTrue(sb.jrun("list", "-q").ok().out().contains("c1"));
            sb.jrun("kill", "c1", "KILL").ok();
            for (int i = 0; i < 100 && !status("c1").equals("stopped"); i++) Thread.sleep(20);
            assertEquals("stopped", status("c1"));
            sb.jrun("delete", "c1").ok();
            Sandbox.Result gone = sb.jrun("state", "c1");
            assertEquals(1, gone.status());
            assertTrue(gone.err().contains("does not exist"), gone.err());
            assertEquals("", gone.out());
            // create, state x4 (one per status check, at least), start, exec, list, kill, delete, the failed state: all warm
            long served = e.count("requests") - before;
            assertTrue(served >= 11, "warm requests served: " + served);

            // JRUN_ENGINE=off: cold, the engine sees nothing
            sb.jrun("create", "--bundle", b.toString(), "c2").ok();
            long mid = e.count("requests");
            sb.jrunEnv.put("JRUN_ENGINE", "off");
            assertEquals("created", status("c2"));
            sb.jrun("delete", "--force", "c2").ok();
            assertEquals(mid, e.count("requests"), "JRUN_ENGINE=off went to the engine");
        }
    }

    @Test
    void noEngineFallsBackToCold() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        sb.jrunEnv.put("JRUN_ENGINE_SOCKET", sb.dir.resolve("none/engine.sock").toString());
        sb.jrun("create", "--bundle", b.toString(), "c1").ok();
        sb.jrun("start", "c1").ok();
        assertEquals("running", status("c1"));
        sb.jrun("delete", "--force", "c1").ok();
        assertEquals(1, sb.jrun("state", "c1").status());
        // a socket file nobody listens on (a dead engine's): refused, cold
        Path dead = Files.createDirectories(sb.dir.resolve("dead")).resolve("engine.sock");
        Cmd.run("python3", "-c", "import socket; s=socket.socket(socket.AF_UNIX); s.bind('" + dead + "')");
        assertTrue(Files.exists(dead));
        sb.jrunEnv.put("JRUN_ENGINE_SOCKET", dead.toString());
        assertTrue(sb.jrun("list", "-q").ok().out().isEmpty());
    }

    @Test
    void anotherBuildFallsBackAndTheEngineExits() throws Exception {
        // another install (a copy: another jar, so another build id) serves the engine
        Path other = sb.dir.resolve("other");
        Files.createDirectories(other.resolve("bin"));
        Files.createDirectories(other.resolve("lib"));
        for (String f : List.of("bin/jrun", "bin/jrun-helper"))
            assertEquals(0, Cmd.run("cp", Sandbox.HOME.resolve(f).toString(), other.resolve(f).toString()).exit());
        assertEquals(0, Cmd.run("cp", "-a", Sandbox.HOME.resolve("lib/jrun").toString(), other.resolve("lib/jrun").toString()).exit());
        Files.deleteIfExists(other.resolve("lib/jrun/jrun.aot")); // trained for the other path: the JVM would warn
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        try (Engine e = Engine.start(other, sb.dir)) {
            sb.jrunEnv.put("JRUN_ENGINE_SOCKET", e.socket().toString());
            assertFalse(e.status().get("build").equals(buildId(Sandbox.HOME)), "build ids differ");
            sb.jrun("create", "--bundle", b.toString(), "c1").ok();
            assertEquals("created", status("c1")); // this build's client, the other's engine: cold
            // the engine saw another build's client and exits once idle
            for (int i = 0; i < 250 && Files.exists(e.socket()); i++) Thread.sleep(20);
            assertFalse(Files.exists(e.socket()), "the engine of the other build is still there");
            sb.jrun("delete", "--force", "c1").ok();
        }
    }

    /** jrun.engine.Engine.buildId's value for an install: its jar's device, inode, size, mtime (ns). */
    private static String buildId(Path home) throws Exception {
        Map<String, Object> a = Files.readAttributes(home.resolve("lib/jrun/jrun.jar"), "unix:dev,ino,size,lastModifiedTime");
        return Long.toHexString((Long) a.get("dev")) + ":" + Long.toHexString((Long) a.get("ino")) + ":" + a.get("size") + ":"
                + ((java.nio.file.attribute.FileTime) a.get("lastModifiedTime")).to(java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /**
     * A fake engine that answers F (run it cold) to every request and keeps each request's last
     * field: the pid of the helper the client forked for it, 0 for none.
     */
    private static List<String> declineAll(Path socket, java.util.concurrent.Callable<?> calls) throws Exception {
        List<String> helperPids = java.util.Collections.synchronizedList(new ArrayList<>());
        try (java.nio.channels.ServerSocketChannel srv = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            srv.bind(java.net.UnixDomainSocketAddress.of(socket));
            Thread t = Thread.ofPlatform().start(() -> {
                for (;;) { // until srv is closed
                    try (java.nio.channels.SocketChannel c = srv.accept()) {
                        java.nio.ByteBuffer len = java.nio.ByteBuffer.allocate(4);
                        while (len.hasRemaining() && c.read(len) >= 0) { /* the fds the client sent are dropped */ }
                        java.nio.ByteBuffer body = java.nio.ByteBuffer.allocate(len.flip().getInt());
                        while (body.hasRemaining() && c.read(body) >= 0) { }
                        String[] f = new String(body.array(), java.nio.charset.StandardCharsets.UTF_8).split("\0");
                        helperPids.add(f[f.length - 1]);
                        c.write(java.nio.ByteBuffer.wrap(new byte[] {'F'}));
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            try {
                calls.call();
            } finally {
                srv.close();
                t.join(10_000);
            }
        }
        return helperPids;
    }

    @Test
    void warmKillForksNoHelperAndItsColdFallbackWorks() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        sb.jrunEnv.put("JRUN_ENGINE_SOCKET", sb.dir.resolve("fake.sock").toString());
        List<String> helpers = declineAll(sb.dir.resolve("fake.sock"), () -> {
            sb.jrun("run", "--detach", "--bundle", b.toString(), "k1").ok(); // declined: cold, with the helper forked for the engine
            sb.jrun("kill", "k1", "KILL").ok(); // declined: cold, with a helper forked only then
            for (int i = 0; i < 100 && !status("k1").equals("stopped"); i++) Thread.sleep(20);
            return null;
        });
        assertTrue(helpers.size() >= 3, "requests (run, kill, state...): " + helpers);
        assertTrue(Long.parseLong(helpers.get(0)) > 0, "run offers the engine its helper: " + helpers);
        assertEquals("0", helpers.get(1), "kill forked a helper the engine does not use");
        sb.jrunEnv.put("JRUN_ENGINE", "off");
        assertEquals("stopped", status("k1"), "the cold kill (after the engine declined) did not kill");
        sb.jrun("delete", "k1").ok();
    }

    @Test
    void aRefusedPeerFallsBack() throws Exception {
        try (Engine e = engine()) {
            // let uid 65534 reach the socket at all, so that the engine's own check (SO_PEERCRED) is what refuses
            Cmd.run("chmod", "0755", e.socket().getParent().toString());
            Cmd.run("chmod", "0666", e.socket().toString());
            long req = e.count("requests"), fb = e.count("fallbacks");
            Cmd.Result r = Cmd.run(List.of("setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", Sandbox.JRUN.toString(), "features"), null,
                    Map.of("JRUN_ENGINE_SOCKET", e.socket().toString()), 60);
            assertEquals(0, r.exit(), r.toString()); // answered cold, as uid 65534
            assertTrue(r.out().contains("\"ociVersionMin\""), r.out());
            assertEquals(req, e.count("requests"), "the engine served a uid it must refuse");
            assertEquals(fb + 1, e.count("fallbacks"), "the peer's refusal");
            // the same command as root is served warm
            Cmd.Result warm = e.jrun("features");
            assertEquals(0, warm.exit(), warm.toString());
            assertEquals(r.out(), warm.out());
            assertEquals(req + 1, e.count("requests"));
        }
    }

    @Test
    void concurrentWarmCallsAllSucceed() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        try (Engine e = engine()) {
            for (String id : List.of("c0", "c1", "c2", "c3", "c4")) sb.jrun("create", "--bundle", b.toString(), id).ok();
            long before = e.count("requests");
            ExecutorService pool = Executors.newFixedThreadPool(50);
            List<Future<Sandbox.Result>> calls = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String id = "c" + i % 5;
                calls.add(pool.submit(() -> sb.jrun("state", id)));
            }
            for (int i = 0; i < 50; i++) {
                Sandbox.Result r = calls.get(i).get();
                assertEquals(0, r.status(), r.err());
                assertEquals("c" + i % 5, ((Map<?, ?>) Json.parse(r.out())).get("id"));
            }
            pool.shutdown();
            assertTrue(e.count("requests") - before >= 50, "served warm: " + (e.count("requests") - before));
            for (String id : List.of("c0", "c1", "c2", "c3", "c4")) sb.jrun("delete", "--force", id).ok();
        }
    }

    @Test
    void containersOutliveAnEngineRestart() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        try (Engine e = engine()) {
            sb.jrun("create", "--bundle", b.toString(), "c1").ok();
            sb.jrun("start", "c1").ok();
            sb.jrun("create", "--bundle", b.toString(), "c2").ok();
        }
        assertEquals("running", status("c1")); // no engine: cold
        try (Engine e = engine()) {
            long before = e.count("requests");
            assertEquals("running", status("c1"));
            assertEquals("created", status("c2"));
            sb.jrun("start", "c2").ok();
            sb.jrun("kill", "c1", "9").ok();
            for (int i = 0; i < 100 && !status("c1").equals("stopped"); i++) Thread.sleep(20);
            sb.jrun("delete", "c1").ok();
            sb.jrun("delete", "--force", "c2").ok();
            assertTrue(e.count("requests") - before >= 7, "served warm: " + (e.count("requests") - before));
        }
    }

    @Test
    void anEngineKilledMidCommandIsAClearErrorAndCleanupWorks() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        sb.jrun("create", "--bundle", b.toString(), "c1").ok();
        sb.jrun("start", "c1").ok();
        Engine e = engine();
        Process holder = null;
        try {
            // a classic fcntl lock on the container's lock file (another process: an older jrun) holds the warm `kill` mid-command
            holder = new ProcessBuilder("python3", "-c", "import fcntl,sys,time; f=open(sys.argv[1],'w'); fcntl.lockf(f, fcntl.LOCK_EX); print('held', flush=True); time.sleep(60)",
                    sb.jrunRoot.resolve("c1/lock").toString()).redirectErrorStream(true).start();
            assertEquals("held", new String(holder.getInputStream().readNBytes(4)));
            long pid = Long.parseLong(e.status().get("pid"));
            List<String> cmd = List.of(Sandbox.JRUN.toString(), "--root", sb.jrunRoot.toString(), "kill", "c1", "9");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().put("JRUN_ENGINE_SOCKET", e.socket().toString());
            Process client = pb.start();
            Thread.sleep(1500); // the engine has accepted it and waits for the lock
            assertTrue(client.isAlive(), "the warm kill did not wait for the lock");
            assertEquals(0, Cmd.run("kill", "-9", Long.toString(pid)).exit());
            assertTrue(client.waitFor(20, java.util.concurrent.TimeUnit.SECONDS));
            String err = new String(client.getErrorStream().readAllBytes());
            assertEquals(1, client.exitValue(), err);
            assertTrue(err.contains("the jrun engine died during the command"), err);
            assertEquals(1, err.strip().lines().count(), "one line: " + err);
            holder.destroyForcibly().waitFor();
            sb.jrun("delete", "--force", "c1").ok(); // no engine now: cold
            assertEquals(1, sb.jrun("state", "c1").status());
        } finally {
            if (holder != null) holder.destroyForcibly();
            e.close();
        }
    }

    /**
     * The engine SIGKILLed at a step of a warm create (JRUN_TEST_STOP_AT in the engine's
     * environment): the client says so in one line and exits 1, kills the init if the engine had
     * named it, and delete --force (warm through a new engine, or cold) removes everything.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"create:helper", "create:pid", "create:committed", "create:created"})
    void anEngineKilledMidCreateIsAClearErrorAndDeleteForceRemovesAll(String step) throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        Engine e = Engine.start(Sandbox.HOME, sb.dir, Map.of("JRUN_TEST_STOP_AT", step));
        sb.jrunEnv.put("JRUN_ENGINE_SOCKET", e.socket().toString());
        try {
            Sandbox.Result r = sb.jrun("create", "--bundle", b.toString(), "k1");
            assertEquals(1, r.status(), r.err());
            assertEquals("jrun: the jrun engine died during the command (see its log); nothing more was done", r.err().strip());
            assertTrue(e.status().isEmpty(), "the engine is gone");
            if (!step.equals("create:helper")) { // the engine had named the init: the client killed it
                List<String> dirs = sb.cgroupDirs("k1");
                boolean empty = false;
                for (int i = 0; i < 200 && !empty; i++) {
                    empty = true;
                    for (String d : dirs) {
                        Path procs = Path.of(d, "cgroup.procs");
                        if (Files.exists(procs) && !Files.readString(procs).isBlank()) empty = false;
                    }
                    if (!empty) Thread.sleep(10);
                }
                assertTrue(empty, "the half-made init still runs in " + dirs);
            }
        } finally {
            e.close();
        }
        if (step.equals("create:pid")) { // warm, through a new engine
            try (Engine again = engine()) {
                long req = again.count("requests");
                sb.jrun("delete", "--force", "k1").ok();
                assertEquals(req + 1, again.count("requests"));
            }
        } else {
            sb.jrunEnv.put("JRUN_ENGINE", "off");
            sb.jrun("delete", "--force", "k1").ok();
        }
        sb.jrunEnv.put("JRUN_ENGINE", "off");
        LifecycleErrorsIT.nothingLeftOf(sb, "k1");
        LifecycleErrorsIT.noProcessLeft(sb);
    }
}
