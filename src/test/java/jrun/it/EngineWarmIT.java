package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import jrun.spec.Json;
import jrun.testing.Cmd;
import jrun.testing.Sandbox;

/**
 * create, run and exec through the engine (docs/engine.md): each served warm, which the engine's
 * request count proves (a fallback raises "fallbacks" instead), with the caller's stdio,
 * --preserve-fds, LISTEN_FDS and console socket; many at once; a caller in another mount
 * namespace falls back; containers made warm outlive the engine.
 */
@Timeout(300)
class EngineWarmIT extends WithSandbox {
    private EngineIT.Engine engine() {
        EngineIT.Engine e = EngineIT.Engine.start(Sandbox.HOME, sb.dir);
        sb.jrunEnv.put("JRUN_ENGINE_SOCKET", e.socket().toString());
        return e;
    }

    private String status(String id) throws Exception {
        return ((Map<?, ?>) Json.parse(sb.jrun("state", id).ok().out())).get("status").toString();
    }

    /** Runs call, and checks that the engine served exactly served requests and no fallback meanwhile. */
    private static <T> T warm(EngineIT.Engine e, int served, java.util.concurrent.Callable<T> call) throws Exception {
        long req = e.count("requests"), fb = e.count("fallbacks");
        T r = call.call();
        assertEquals(fb, e.count("fallbacks"), "fell back to cold");
        assertEquals(req + served, e.count("requests"), "requests served warm");
        return r;
    }

    @Test
    void createRunAndExecAreServedWarm() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        Path once = sb.bundle("once", c -> Sandbox.args(c, "sh", "-c", "echo out-$((6*7)); echo err >&2; read x; echo got-$x; exit 7"));
        try (EngineIT.Engine e = engine()) {
            warm(e, 1, () -> sb.jrun("create", "--bundle", b.toString(), "c1").ok());
            assertEquals("created", status("c1"));
            warm(e, 1, () -> sb.jrun("start", "c1").ok());
            Sandbox.Result ex = warm(e, 1, () -> sb.jrun("exec", "c1", "sh", "-c", "echo hi; exit 3"));
            assertEquals(3, ex.status(), ex.err());
            assertEquals("hi\n", ex.out());
            Sandbox.Result d = warm(e, 1, () -> sb.jrun("exec", "--detach", "--pid-file", sb.dir.resolve("x.pid").toString(), "c1", "sleep", "999"));
            assertEquals(0, d.status(), d.err());
            long xpid = Long.parseLong(Files.readString(sb.dir.resolve("x.pid")).strip());
            assertTrue(ProcessHandle.of(xpid).isPresent(), "the detached exec runs");
            // run in the foreground: the container has the caller's stdin, stdout and stderr, and its status is jrun's
            Cmd.Result r = warm(e, 1, () -> Cmd.run(List.of("sh", "-c", "echo in | " + Sandbox.JRUN + " --root " + sb.jrunRoot + " run --bundle " + once + " r1"), null,
                    Map.of("JRUN_ENGINE_SOCKET", e.socket().toString()), 60));
            assertEquals(7, r.exit(), r.toString());
            assertEquals("out-42\ngot-in\n", r.out());
            assertEquals("err\n", r.err());
            assertEquals(1, sb.jrun("state", "r1").status(), "run deleted its container");
            // relative --bundle and --pid-file are the caller's (its cwd), not the engine's
            Cmd.Result rel = warm(e, 1, () -> Cmd.run(List.of(Sandbox.JRUN.toString(), "--root", sb.jrunRoot.toString(), "create", "--bundle", "b", "--pid-file", "c2.pid", "c2"),
                    sb.dir, Map.of("JRUN_ENGINE_SOCKET", e.socket().toString()), 60));
            assertEquals(0, rel.exit(), rel.toString());
            assertEquals(((Map<?, ?>) Json.parse(sb.jrun("state", "c2").ok().out())).get("pid").toString(), Files.readString(sb.dir.resolve("c2.pid")));
            // the container's processes are the caller's descendants, not the engine's
            long init = Long.parseLong(((Map<?, ?>) Json.parse(sb.jrun("state", "c1").ok().out())).get("pid").toString());
            long enginePid = Long.parseLong(e.status().get("pid"));
            for (long p = init; p > 1; p = ProcessHandle.of(p).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(1L))
                assertTrue(p != enginePid, "the init is a descendant of the engine");
            warm(e, 1, () -> sb.jrun("kill", "c1", "KILL").ok());
            for (int i = 0; i < 100 && !status("c1").equals("stopped"); i++) Thread.sleep(20);
            warm(e, 2, () -> {
                sb.jrun("delete", "c1").ok();
                return sb.jrun("delete", "--force", "c2").ok();
            });
            // a bad command is one clear line, warm too
            Sandbox.Result bad = warm(e, 1, () -> sb.jrun("create", "--bundle", sb.dir.resolve("nope").toString(), "c3"));
            assertEquals(1, bad.status());
            assertEquals("jrun: bundle " + sb.dir.resolve("nope") + " does not exist or is not a directory", bad.err().strip());
            // what needs the caller's process falls back before anything is done: hooks, and rules flags
            Path hooked = sb.bundle("hooked", c -> {
                Sandbox.args(c, "sleep", "1000");
                c.put("hooks", Json.parse("{\"poststop\":[{\"path\":\"/bin/true\"}]}"));
            });
            long fb = e.count("fallbacks"), req = e.count("requests");
            sb.jrun("create", "--bundle", hooked.toString(), "h1").ok();
            sb.jrun("--oi-env", "A=B", "create", "--bundle", b.toString(), "h2").ok();
            assertEquals(fb + 2, e.count("fallbacks"));
            assertEquals(req, e.count("requests"));
            sb.jrun("delete", "--force", "h2").ok();
            sb.jrunEnv.put("JRUN_ENGINE", "off"); // cold: the hooks run in the caller's process
            sb.jrun("delete", "--force", "h1").ok();
        }
    }

    /** Applies the same three updates to id (a --resources file relative to the caller's cwd, one on stdin with a flag, a bad file) and reads back the cgroup values. */
    private List<String> updates(String id, Map<String, String> env) throws Exception {
        Files.writeString(sb.dir.resolve(id + "-res.json"), "{\"cpu\":{\"quota\":30000,\"period\":100000},\"pids\":{\"limit\":9}}");
        String root = sb.jrunRoot.toString(), jrun = Sandbox.JRUN.toString();
        long pid = Long.parseLong(((Map<?, ?>) Json.parse(sb.jrun("state", id).ok().out())).get("pid").toString());
        List<String> seen = new ArrayList<>();
        Cmd.Result rel = Cmd.run(List.of(jrun, "--root", root, "update", "--resources", id + "-res.json", id), sb.dir, env, 60);
        assertEquals(0, rel.exit(), rel.toString());
        seen.add(ExecAndManageIT.cgroupFile(pid, "cpu", "cpu.cfs_quota_us"));
        seen.add(ExecAndManageIT.cgroupFile(pid, "pids", "pids.max"));
        Cmd.Result in = Cmd.run(List.of("sh", "-c", "echo '{\"memory\":{\"limit\":41943040},\"pids\":{\"limit\":5}}' | " + jrun + " --root " + root
                + " update --resources - --pids-limit 11 " + id), sb.dir, env, 60);
        assertEquals(0, in.exit(), in.toString());
        seen.add(ExecAndManageIT.cgroupFile(pid, "memory", "memory.limit_in_bytes"));
        seen.add(ExecAndManageIT.cgroupFile(pid, "pids", "pids.max"));
        Cmd.Result bad = Cmd.run(List.of(jrun, "--root", root, "update", "--resources", "nope.json", id), sb.dir, env, 60);
        seen.add(bad.exit() + " " + bad.out() + bad.err().replace(sb.dir.toString(), "DIR"));
        return seen;
    }

    @Test
    void updateIsServedWarmAndDoesWhatColdDoes() throws Exception {
        Path b = sb.bundle("u", c -> Sandbox.args(c, "sleep", "1000"));
        try (EngineIT.Engine e = engine()) {
            sb.jrun("run", "--detach", "--bundle", b.toString(), "uw").ok();
            sb.jrun("run", "--detach", "--bundle", b.toString(), "uc").ok();
            // a state and three updates, each served (the bad one too: an error is an answer)
            List<String> warm = warm(e, 4, () -> updates("uw", Map.of("JRUN_ENGINE_SOCKET", e.socket().toString())));
            List<String> cold = updates("uc", Map.of("JRUN_ENGINE", "off"));
            assertEquals(List.of("30000", "9", "41943040", "11"), warm.subList(0, 4), "--resources FILE (the caller's cwd), - (stdin) and a flag over it");
            assertTrue(warm.get(4).startsWith("1 jrun: --resources ") && warm.get(4).strip().lines().count() == 1, warm.get(4));
            assertEquals(cold, warm);
            sb.jrun("delete", "--force", "uw").ok();
            sb.jrun("delete", "--force", "uc").ok();
        }
    }

    @Test
    void consoleSocketAndPreservedFdsWarm() throws Exception {
        try (EngineIT.Engine e = engine()) {
            Path sock = sb.dir.resolve("tty.sock");
            Process recv = new ProcessBuilder(Sandbox.HOME.resolve("bin/jrun-recvtty").toString(), sock.toString()).start();
            try {
                ConsoleAndFdsIT.Collector out = new ConsoleAndFdsIT.Collector(recv.getInputStream()), err = new ConsoleAndFdsIT.Collector(recv.getErrorStream());
                err.await("listening");
                Path b = sb.bundle("t", c -> {
                    Sandbox.process(c).put("terminal", Boolean.TRUE);
                    Sandbox.args(c, "sh");
                });
                warm(e, 2, () -> {
                    sb.jrun("create", "--bundle", b.toString(), "--console-socket", sock.toString(), "tty1").ok();
                    return sb.jrun("start", "tty1").ok();
                });
                assertTrue(out.await("pty /dev/pts/").startsWith("pty /dev/pts/"));
                OutputStream in = recv.getOutputStream();
                in.write("echo hi-$((1+2)); tty\n".getBytes(StandardCharsets.UTF_8));
                in.flush();
                assertTrue(out.await("hi-3").contains("/dev/pts/0"));
                in.write("exit 0\n".getBytes(StandardCharsets.UTF_8));
                in.flush();
                for (int i = 0; i < 200 && !status("tty1").equals("stopped"); i++) Thread.sleep(20);
                warm(e, 1, () -> sb.jrun("delete", "tty1").ok());
            } finally {
                recv.destroyForcibly();
            }
            Path b = sb.bundle("fds", c -> Sandbox.args(c, "sh", "-c",
                    "echo via3 >&3; echo via4 >&4; for f in 3 4 5 6 7; do [ -e /proc/self/fd/$f ] && echo has$f; done; env | grep LISTEN_ | sort"));
            String jrun = "JRUN_ENGINE_SOCKET=" + e.socket() + " " + Sandbox.JRUN + " --root " + sb.jrunRoot;
            Path f3 = sb.dir.resolve("f3"), f4 = sb.dir.resolve("f4");
            Sandbox.Result r = warm(e, 1, () -> sb.sh("exec 3>" + f3 + " 4>" + f4 + " 7>/dev/null; " + jrun + " run --preserve-fds 1 --bundle " + b + " fd1"));
            assertEquals(0, r.status(), r.err());
            assertEquals(List.of("has3"), r.out().lines().toList(), "fd 3 passed, fd 4 and 7 closed");
            assertEquals("via3\n", Files.readString(f3));
            assertEquals("", Files.readString(f4));
            Sandbox.Result l = warm(e, 1, () -> sb.sh("exec 3>" + f3 + " 4>" + f4 + " 5>/dev/null; LISTEN_FDS=2 " + jrun + " run --bundle " + b + " fd2"));
            assertEquals(0, l.status(), l.err());
            assertEquals(List.of("has3", "has4", "LISTEN_FDS=2", "LISTEN_PID=1"), l.out().lines().toList());
            assertEquals("via4\n", Files.readString(f4));
        }
    }

    /**
     * The engine's RSS does not grow with the requests it serves (issue 15: at most 64 MB idle):
     * after 450 requests (create, start, delete) it is measured, then again after 900 more, each
     * time after the engine has been idle long enough to trim glibc's heap (every 2 s). A leak of
     * requests' objects into the old generation grew it ~5 MB per 1000 requests.
     */
    @Test
    void theEnginesRssStaysFlatAsItServes() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "true"));
        try (EngineIT.Engine e = engine()) {
            long req = e.count("requests"), fb = e.count("fallbacks");
            long first = lifecyclesThenRss(e, b, "a", 150);
            long second = lifecyclesThenRss(e, b, "b", 300);
            assertEquals(fb, e.count("fallbacks"), "fell back to cold");
            assertEquals(req + 3 * 450, e.count("requests"), "requests served warm");
            System.out.println("EngineWarmIT: engine RSS " + first + " kB after 450 requests, " + second + " kB after 1350");
            assertTrue(second - first <= 2560, "the engine's RSS grew from " + first + " to " + second + " kB over 900 requests");
            assertTrue(second <= 64 * 1024, "the engine's idle RSS: " + second + " kB");
        }
    }

    /** n warm create+start+delete rounds in one shell (ids PREFIX1..n), then the engine's RSS once idle. */
    private long lifecyclesThenRss(EngineIT.Engine e, Path bundle, String prefix, int n) throws Exception {
        String j = Sandbox.JRUN + " --root " + sb.jrunRoot;
        String loop = "for i in $(seq " + n + "); do " + j + " create --bundle " + bundle + " " + prefix + "$i </dev/null >/dev/null"
                + " && " + j + " start " + prefix + "$i && " + j + " delete --force " + prefix + "$i || exit 1; done";
        Cmd.Result r = Cmd.run(List.of("sh", "-c", loop), null, Map.of("JRUN_ENGINE_SOCKET", e.socket().toString()), 240);
        assertEquals(0, r.exit(), r.toString());
        // idle: glibc's heap trimmed (-XX:TrimNativeHeapInterval=2000) and the JIT's queue drained; the least of 10 samples over 5 s
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            Thread.sleep(500);
            least = Math.min(least, Long.parseLong(e.status().get("rss_kb")));
        }
        return least;
    }

    @Test
    void fiftyConcurrentWarmCreatesLoseNothing() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        try (EngineIT.Engine e = engine()) {
            long req = e.count("requests"), fb = e.count("fallbacks");
            ExecutorService pool = Executors.newFixedThreadPool(50);
            try {
                List<Future<Sandbox.Result>> calls = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    String id = "k" + i;
                    calls.add(pool.submit(() -> sb.jrun("create", "--bundle", b.toString(), id)));
                }
                for (Future<Sandbox.Result> f : calls) {
                    Sandbox.Result r = f.get();
                    assertEquals(0, r.status(), r.err());
                }
                assertEquals(req + 50, e.count("requests"), "served warm");
                assertEquals(fb, e.count("fallbacks"));
                List<String> ids = sb.jrun("list", "-q").ok().out().lines().sorted().toList();
                assertEquals(50, ids.size(), ids.toString());
                for (int i = 0; i < 50; i++) {
                    Map<?, ?> st = (Map<?, ?>) Json.parse(sb.jrun("state", "k" + i).ok().out());
                    assertEquals("created", st.get("status"), "k" + i);
                    assertTrue(ProcessHandle.of(Long.parseLong(st.get("pid").toString())).isPresent(), "k" + i + "'s init");
                }
                List<Future<Sandbox.Result>> dels = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    String id = "k" + i;
                    dels.add(pool.submit(() -> sb.jrun("delete", "--force", id)));
                }
                for (Future<Sandbox.Result> f : dels) assertEquals(0, f.get().status(), f.get().err());
                assertEquals("", sb.jrun("list", "-q").ok().out().strip());
            } finally {
                pool.shutdownNow();
            }
            long rss = Long.parseLong(e.status().get("rss_kb"));
            assertTrue(rss <= 96 * 1024, "engine RSS after 50 concurrent creates: " + rss + " kB");
            // idle, it gives the burst's memory back (Engine.giveBackWhenIdle: 2 s without a request, then a collection)
            long idle = rss;
            for (int i = 0; i < 12; i++) { // the least over 6 s: its collection and glibc's trim (every 2 s) come then
                Thread.sleep(500);
                idle = Math.min(idle, Long.parseLong(e.status().get("rss_kb")));
            }
            System.out.println("EngineWarmIT: engine RSS " + rss + " kB after 50 concurrent creates, " + idle + " kB idle");
            assertTrue(idle <= 64 * 1024, "engine RSS once idle after 50 concurrent creates: " + idle + " kB");
        }
    }

    @Test
    void aCallerInAnotherMountNamespaceFallsBack() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        try (EngineIT.Engine e = engine()) {
            long req = e.count("requests"), fb = e.count("fallbacks");
            Cmd.Result r = Cmd.run(List.of("unshare", "-m", "--propagation", "private", Sandbox.JRUN.toString(), "--root", sb.jrunRoot.toString(),
                    "create", "--bundle", b.toString(), "m1"), null, Map.of("JRUN_ENGINE_SOCKET", e.socket().toString()), 60);
            assertEquals(0, r.exit(), r.toString()); // cold, in its own mount namespace
            assertEquals(req, e.count("requests"), "served a caller whose paths mean something else");
            assertEquals(fb + 1, e.count("fallbacks"));
            assertEquals("created", status("m1"));
            warm(e, 1, () -> sb.jrun("delete", "--force", "m1").ok());
        }
    }

    @Test
    void containersMadeWarmOutliveTheEngine() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        try (EngineIT.Engine e = engine()) {
            warm(e, 3, () -> {
                sb.jrun("create", "--bundle", b.toString(), "c1").ok();
                sb.jrun("start", "c1").ok();
                return sb.jrun("create", "--bundle", b.toString(), "c2").ok();
            });
        }
        assertEquals("running", status("c1")); // no engine: cold
        assertEquals("hi\n", sb.jrun("exec", "c1", "echo", "hi").ok().out());
        try (EngineIT.Engine e = engine()) {
            warm(e, 3, () -> {
                sb.jrun("start", "c2").ok();
                assertEquals("hi\n", sb.jrun("exec", "c2", "echo", "hi").ok().out());
                return sb.jrun("kill", "c1", "9").ok();
            });
            for (int i = 0; i < 100 && !status("c1").equals("stopped"); i++) Thread.sleep(20);
            warm(e, 2, () -> {
                sb.jrun("delete", "c1").ok();
                return sb.jrun("delete", "--force", "c2").ok();
            });
        }
    }
}
