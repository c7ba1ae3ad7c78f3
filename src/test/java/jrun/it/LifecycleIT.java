package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jrun.spec.Json;
import jrun.testing.Sandbox;

/** create / start / state / kill / delete / run / list on real busybox containers. */
class LifecycleIT extends WithSandbox {
    @SuppressWarnings("unchecked")
    Map<String, Object> state(String id) throws Exception {
        return (Map<String, Object>) Json.parse(sb.jrun("state", id).ok().out());
    }

    static long pidOf(Map<String, Object> st) {
        return Long.parseLong(st.get("pid").toString());
    }

    @Test
    void fullLifecycle() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        Path pidFile = sb.dir.resolve("init.pid");
        sb.jrun("create", "--bundle", b.toString(), "--pid-file", pidFile.toString(), "c1").ok();
        Map<String, Object> st = state("c1");
        assertEquals("created", st.get("status"));
        long pid = pidOf(st);
        assertEquals(Long.toString(pid), Files.readString(pidFile), "pid file: the number, no newline");
        assertTrue(Files.exists(sb.jrunRoot.resolve("c1/exec.fifo")));
        for (String dir : sb.cgroupDirs("c1"))
            assertEquals(pid + "\n", Files.readString(Path.of(dir, "cgroup.procs")), "the init is in its cgroup: " + dir);
        // The waiting init is the small helper, not a JVM.
        String status = Files.readString(Path.of("/proc/" + pid + "/status"));
        long rssKb = Long.parseLong(status.lines().filter(l -> l.startsWith("VmRSS:")).findFirst().get().replaceAll("\\D", ""));
        assertTrue(rssKb < 2048, "waiting init RSS " + rssKb + " kB");

        assertEquals(1, sb.jrun("delete", "c1-other").status());
        sb.jrun("start", "c1").ok();
        assertEquals("running", state("c1").get("status"));
        assertFalse(Files.exists(sb.jrunRoot.resolve("c1/exec.fifo")));
        // the init became process.args, not just any busybox applet: its argv, and the rootfs's binary
        assertEquals("sleep\u00001000\u0000", jrun.runtime.ProcStat.read("/proc/" + pid + "/cmdline"), "argv of the started init");
        assertTrue(Files.isSameFile(b.resolve("rootfs/bin/busybox"), Path.of("/proc/" + pid + "/exe")), "the rootfs's busybox runs, not the host's");

        Sandbox.Result again = sb.jrun("start", "c1");
        assertEquals(1, again.status());
        assertTrue(again.err().contains("cannot start an already running container"), again.err());
        Sandbox.Result del = sb.jrun("delete", "c1");
        assertEquals(1, del.status());
        assertTrue(del.err().contains("not stopped: running"), del.err());

        List<String> listed = List.of(sb.jrun("list", "-q").ok().out().split("\n"));
        assertEquals(List.of("c1"), listed);
        assertTrue(sb.jrun("list").ok().out().lines().skip(1).findFirst().get().matches("c1 +" + pid + " +running +" + b + " .*"));

        sb.jrun("kill", "c1", "0").ok(); // a probe, as with runc: the init is there, and stays
        assertEquals("running", state("c1").get("status"));
        sb.jrun("kill", "c1", "KILL").ok();
        for (int i = 0; i < 100 && !"stopped".equals(state("c1").get("status")); i++) Thread.sleep(20);
        assertEquals("stopped", state("c1").get("status"));
        Sandbox.Result k = sb.jrun("kill", "c1", "9");
        assertEquals(1, k.status());
        assertTrue(k.err().contains("container not running"), k.err());
        assertEquals(1, sb.jrun("kill", "c1", "0").status(), "the probe of a stopped container fails");
        assertTrue(sb.jrun("start", "c1").err().contains("cannot start a container that has stopped"));
        sb.jrun("delete", "c1").ok();
        Sandbox.Result gone = sb.jrun("state", "c1");
        assertEquals(1, gone.status());
        assertTrue(gone.err().contains("does not exist"), gone.err());
        assertFalse(Files.exists(sb.jrunRoot.resolve("c1")), "state directory removed");
        for (String dir : sb.cgroupDirs("c1")) assertFalse(Files.exists(Path.of(dir)), "cgroup removed: " + dir);
    }

    @Test
    void killAndDeleteInEveryState() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        // created: delete without --force kills the waiting init
        sb.jrun("create", "--bundle", b.toString(), "k1").ok();
        long pid = pidOf(state("k1"));
        sb.jrun("delete", "k1").ok();
        assertEquals(-1, jrun.runtime.ProcStat.liveStartTime(pid), "the waiting init is gone (or a zombie for init to reap)");
        // created: kill with SIGTERM ends it (the init dies of it like runc's)
        sb.jrun("create", "--bundle", b.toString(), "k2").ok();
        sb.jrun("kill", "k2", "TERM").ok();
        for (int i = 0; i < 100 && !"stopped".equals(state("k2").get("status")); i++) Thread.sleep(20);
        assertEquals("stopped", state("k2").get("status"));
        sb.jrun("delete", "k2").ok();
        // running: --force kills and deletes; kill --all reaches every process
        sb.jrun("create", "--bundle", b.toString(), "k3").ok();
        sb.jrun("start", "k3").ok();
        sb.jrun("kill", "--all", "k3", "SIGKILL").ok();
        for (int i = 0; i < 100 && !"stopped".equals(state("k3").get("status")); i++) Thread.sleep(20);
        assertEquals("stopped", state("k3").get("status"));
        sb.jrun("delete", "k3").ok();
        sb.jrun("create", "--bundle", b.toString(), "k4").ok();
        sb.jrun("start", "k4").ok();
        sb.jrun("delete", "--force", "k4").ok();
        assertEquals(List.of(), sb.jrun("list", "-q").ok().out().lines().toList());
    }

    /**
     * containerd's shim stops a container whose init has exited with `kill --all ID 9` (CriIT's
     * StopContainer does this): runc succeeds there, signalling what is left in the cgroups, while
     * a kill without --all still says the container is not running. jrun answers the same.
     */
    @Test
    void killAllOnAStoppedContainerSucceedsAsRuncs() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "true"));
        for (String rt : List.of("jrun", "runc")) {
            java.util.function.Function<String[], Sandbox.Result> run = a -> rt.equals("jrun") ? sb.jrun(a) : sb.runc(a);
            String id = "ka-" + rt;
            run.apply(new String[] {"create", "--bundle", b.toString(), id}).ok();
            run.apply(new String[] {"start", id}).ok();
            String status = "";
            for (int i = 0; i < 200 && !status.contains("\"stopped\""); i++) {
                Thread.sleep(20);
                status = run.apply(new String[] {"state", id}).ok().out();
            }
            assertTrue(status.contains("\"stopped\""), rt + ": " + status);
            Sandbox.Result all = run.apply(new String[] {"kill", "--all", id, "9"});
            assertEquals(0, all.status(), rt + ": kill --all of a stopped container: " + all.err());
            Sandbox.Result one = run.apply(new String[] {"kill", id, "9"});
            assertEquals(1, one.status(), rt);
            assertTrue(one.err().contains("container not running"), rt + ": " + one.err());
            run.apply(new String[] {"delete", id}).ok();
        }
    }

    @Test
    void pidReuseIsNotOurContainer() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        sb.jrun("create", "--bundle", b.toString(), "p1").ok();
        sb.jrun("start", "p1").ok();
        // Point the state at a live process of ours with another start time: as after pid reuse.
        Path stateFile = sb.jrunRoot.resolve("p1/state.json");
        String text = Files.readString(stateFile);
        long realPid = pidOf(state("p1"));
        long me = ProcessHandle.current().pid();
        Files.writeString(stateFile, text.replaceFirst("\"pid\": " + realPid, "\"pid\": " + me));
        assertEquals("stopped", state("p1").get("status"), "a pid with another start time is not our init");
        Sandbox.Result k = sb.jrun("kill", "p1", "KILL");
        assertTrue(k.err().contains("container not running"), k.err());
        assertTrue(ProcessHandle.current().isAlive());
        Files.writeString(stateFile, text);
        sb.jrun("delete", "--force", "p1").ok();
    }

    @Test
    void runForegroundReturnsTheExitStatusAndDetachReturns() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sh", "-c", "echo out-$((40+2)); echo err >&2; exit 7"));
        Sandbox.Result r = sb.jrun("run", "--bundle", b.toString(), "r1");
        assertEquals(7, r.status(), r.err());
        assertEquals("out-42\n", r.out());
        assertTrue(r.err().contains("err"));
        assertEquals(1, sb.jrun("state", "r1").status(), "run deletes after the exit");

        Path d = sb.bundle("d", c -> Sandbox.args(c, "sleep", "1000"));
        sb.jrun("run", "--detach", "--bundle", d.toString(), "r2").ok();
        assertEquals("running", state("r2").get("status"));
        sb.jrun("delete", "-f", "r2").ok();

        Path missing = sb.bundle("m", c -> Sandbox.args(c, "no-such-program"));
        Sandbox.Result m = sb.jrun("run", "--bundle", missing.toString(), "r3");
        assertNotEquals(0, m.status());
        assertTrue(m.err().contains("process.args: exec: \"no-such-program\": executable file not found in $PATH"), m.err());
    }

    @Test
    void ownSessionKeyringUnlessNoNewKeyring() throws Exception {
        for (String id : List.of("kr1", "kr2")) {
            // exact names: an earlier container's keyring may linger in /proc/keys for a while
            Path b = sb.bundle(id, c -> {
                Sandbox.linux(c).remove("maskedPaths");
                Sandbox.args(c, "sh", "-c", "grep -c ' _ses[.]" + id + ":' /proc/keys || true");
            });
            boolean noNew = id.equals("kr2");
            Sandbox.Result r = noNew ? sb.jrun("run", "--no-new-keyring", "--bundle", b.toString(), id) : sb.jrun("run", "--bundle", b.toString(), id);
            assertEquals(noNew ? "0\n" : "1\n", r.ok().out(), id);
        }
    }

    @Test
    void runForwardsSignalsToTheContainer() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sh", "-c", "trap 'echo got-term; exit 9' TERM; echo ready; sleep 100 & wait"));
        Path out = sb.dir.resolve("run.out");
        Process p = new ProcessBuilder(Sandbox.JRUN.toString(), "--root", sb.jrunRoot.toString(), "run", "--bundle", b.toString(), "sig")
                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        for (int i = 0; i < 250 && !(Files.exists(out) && Files.readString(out).contains("ready")); i++) Thread.sleep(20);
        p.destroy(); // SIGTERM to jrun itself
        assertTrue(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(9, p.exitValue(), "the container's status, after its TERM trap ran");
        assertEquals("ready\ngot-term\n", Files.readString(out));
        assertEquals(1, sb.jrun("state", "sig").status(), "deleted after the exit");
    }

    @Test
    void badConfigIsOneLineAndLeavesNothing() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.linux(c).put("namespaces", Json.parse("[{\"type\":\"mount\"},{\"type\":\"foo\"}]")));
        Path log = sb.dir.resolve("log.json");
        Sandbox.Result r = sb.exec(List.of(Sandbox.JRUN.toString(), "--root", sb.jrunRoot.toString(), "--log", log.toString(),
                "--log-format", "json", "create", "--bundle", b.toString(), "bad"), null);
        assertEquals(1, r.status());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("config.json: linux.namespaces[1].type: unknown namespace type \"foo\""), r.err());
        assertTrue(Files.readString(log).contains("\"level\":\"error\""));
        assertFalse(Files.exists(sb.jrunRoot.resolve("bad")));
    }
}
