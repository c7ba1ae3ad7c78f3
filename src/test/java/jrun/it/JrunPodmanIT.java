package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import jrun.testing.Busybox;
import jrun.testing.Cmd;
import jrun.testing.Home;
import jrun.testing.Podman;
import jrun.testing.Sandbox;

/**
 * `podman --runtime bin/jrun` (private storage, conmon) against `--runtime runc` on the same
 * rootfs: seccomp and capabilities, limits, exit status, exec with and without a tty, pause,
 * top and stop must look the same.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JrunPodmanIT {
    Sandbox sb;
    Path rootfs, dir;
    Map<String, Podman> podman;

    @BeforeAll
    void setUp() throws IOException {
        assertTrue(Sandbox.isRoot(), "integration tests run as root (CI does)");
        sb = new Sandbox("jrun-podman-it");
        rootfs = Busybox.rootfs(sb.dir);
        dir = Files.createDirectories(sb.dir.resolve("podman"));
        Podman.writeContainersConf(dir);
        podman = Map.of("jrun", new Podman(dir, Home.bin("jrun")), "runc", new Podman(dir, "/usr/sbin/runc"));
    }

    @AfterAll
    void tearDown() throws IOException, InterruptedException {
        podman.get("runc").podman("rm", "-af", "-t", "0");
        jrun.testing.Sandbox.removeCgroups(jrun.testing.Podman.CGROUP_PARENT);
        for (int i = 0;; i++) { // podman's overlay may take a moment to let go
            try {
                sb.close();
                return;
            } catch (IOException e) {
                if (i >= 10) throw e;
                Thread.sleep(500);
            }
        }
    }

    static final List<String> LIMITS = List.of("--ulimit", "nofile=20000:20000", "--ulimit", "nproc=8192:8192",
            "--cgroup-parent", jrun.testing.Podman.CGROUP_PARENT);

    @Test
    void runWithSeccompCapsLimitsAndExitStatus() {
        Cmd.Result j = null, r = null;
        for (String rt : List.of("jrun", "runc")) {
            Cmd.Result x = podman.get(rt).runRootfs(rootfs, List.of("--memory", "64m", "--pids-limit", "20", "--network=none"), "sh", "-c",
                    "grep -E '^(Seccomp|CapEff|NoNewPrivs):' /proc/self/status; cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max; exit 3");
            if (rt.equals("jrun")) j = x;
            else r = x;
        }
        assertEquals(3, j.exit(), j.toString());
        assertEquals(r.out(), j.out(), "jrun vs runc");
        assertTrue(j.out().contains("Seccomp:\t2") && j.out().contains("67108864\n20\n"), j.toString());
        assertEquals("", j.err(), "no warnings on the container's stderr");
    }

    @Test
    void execPauseTopStop() {
        Map<String, String> execOut = new java.util.HashMap<>();
        for (String rt : List.of("jrun", "runc")) {
            Podman p = podman.get(rt);
            String name = "long-" + rt;
            List<String> run = new java.util.ArrayList<>(List.of("run", "-d", "--name", name, "--network=none"));
            run.addAll(LIMITS);
            run.addAll(List.of("--rootfs", rootfs.toString(), "sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait"));
            Cmd.Result started = p.podman(run.toArray(String[]::new));
            assertEquals(0, started.exit(), rt + ": " + started);
            try {
                Cmd.Result e = p.podman("exec", name, "sh", "-c", "grep -E '^(Seccomp|CapEff):' /proc/self/status; tty; exit 4");
                assertEquals(4, e.exit(), rt + ": " + e);
                assertTrue(e.out().matches("CapEff:\t[0-9a-f]{16}\nSeccomp:\t2\nnot a tty\n"), rt + ": " + e);
                execOut.put(rt, e.out());
                Cmd.Result t = Cmd.run(List.of("script", "-qec", String.join(" ", podmanArgv(rt)) + " exec -t " + name + " sh -c 'tty; exit 5'", "/dev/null"),
                        dir, Map.of("CONTAINERS_CONF", dir.resolve("containers.conf").toString()), 60);
                assertEquals(5, t.exit(), rt + ": " + t);
                assertEquals("/dev/pts/0", t.out().strip(), rt + ": " + t);
                assertEquals(0, p.podman("pause", name).exit(), rt);
                assertEquals("paused\n", p.podman("inspect", "-f", "{{.State.Status}}", name).out(), rt);
                assertEquals(0, p.podman("unpause", name).exit(), rt);
                assertTrue(p.podman("top", name).out().contains("sleep 1000"), rt);
                long t0 = System.nanoTime();
                assertEquals(0, p.podman("stop", name).exit(), rt);
                assertTrue((System.nanoTime() - t0) / 1_000_000 < 5000, rt + ": the TERM trap ends it at once");
                assertEquals("0\n", p.podman("inspect", "-f", "{{.State.ExitCode}}", name).out(), rt);
            } finally {
                p.podman("rm", "-f", "-t", "0", name);
            }
        }
        assertEquals(execOut.get("runc"), execOut.get("jrun"), "exec sees the same seccomp and capabilities");
    }

    List<String> podmanArgv(String rt) {
        return List.of("podman", "--root", dir.resolve("storage").toString(), "--runroot", dir.resolve("run").toString(), "--tmpdir",
                dir.resolve("tmp").toString(), "--cgroup-manager=cgroupfs", "--events-backend=file", "--runtime",
                rt.equals("jrun") ? Home.bin("jrun") : "/usr/sbin/runc");
    }
}
