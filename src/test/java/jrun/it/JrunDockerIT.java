package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import jrun.testing.Cmd;
import jrun.testing.DockerDaemon;
import jrun.testing.Home;
import jrun.testing.Sandbox;

/**
 * jrun as a runtime of a real dockerd (private paths, "jrun" in daemon.json's runtimes). Every
 * scenario runs under jrun and under runc in the same daemon, and what the user observes must
 * be the same: Docker's default seccomp profile and capabilities, OOM kill as 137, pids and cpu
 * limits, exec with and without a tty, top, pause/unpause, update, stats, stop, run -it through
 * the console socket, --read-only and exit statuses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JrunDockerIT {
    static final String IMAGE = "jrun-busybox:docker-it";
    static final List<String> RUNTIMES = List.of("jrun", "runc");
    Sandbox sb;
    DockerDaemon dockerd;

    @BeforeAll
    void startDocker() throws IOException {
        assertTrue(Sandbox.isRoot(), "integration tests run as root (CI does)");
        sb = new Sandbox("jrun-docker-it");
        dockerd = new DockerDaemon(Files.createDirectories(sb.dir.resolve("docker")),
                "{\"runtimes\": {\"jrun\": {\"path\": \"" + Home.bin("jrun") + "\"}, \"jrun-rules\": {\"path\": \"" + Home.bin("jrun")
                        + "\", \"runtimeArgs\": [\"--oi-no-default-rules\", \"--oi-readonly-networking-mounts\", \"--oi-env\", \"OI=from-jrun\"]}}}");
        dockerd.importBusybox(IMAGE);
    }

    @AfterAll
    void stopDocker() throws IOException {
        try {
            if (dockerd != null) dockerd.close();
        } finally {
            sb.close();
        }
    }

    /** The same docker command under each runtime: runtime -> result. */
    Map<String, Cmd.Result> both(String... runArgs) {
        Map<String, Cmd.Result> out = new LinkedHashMap<>();
        for (String rt : RUNTIMES) {
            List<String> a = new java.util.ArrayList<>(List.of("run", "--rm", "--runtime=" + rt));
            a.addAll(List.of(runArgs));
            out.put(rt, dockerd.docker(a.toArray(String[]::new)));
        }
        return out;
    }

    static void same(Map<String, Cmd.Result> r) {
        assertEquals(r.get("runc").exit(), r.get("jrun").exit(), "exit status, jrun vs runc: " + r);
        assertEquals(r.get("runc").out(), r.get("jrun").out(), "stdout, jrun vs runc: " + r);
    }

    /** The daemon's containers are in its own containerd (namespace moby there), never in a containerd of the host's. */
    @Test
    void containersLiveInTheDaemonsOwnContainerd() {
        String id = dockerd.dockerOk("run", "-d", "--runtime=jrun", IMAGE, "sleep", "1000").out().strip();
        try {
            assertTrue(dockerd.containerd().ctr("-n", "moby", "containers", "ls", "-q").out().lines().toList().contains(id),
                    "container " + id + " in " + dockerd.containerd().socket());
        } finally {
            dockerd.docker("rm", "-f", id);
        }
    }

    @Test
    void defaultSeccompProfileAndCapabilitiesAndExitStatus() {
        Map<String, Cmd.Result> r = both(IMAGE, "sh", "-c", "grep -E '^(Seccomp|Cap...|NoNewPrivs):' /proc/self/status; exit 3");
        same(r);
        assertEquals(3, r.get("jrun").exit(), r.toString());
        assertTrue(r.get("jrun").out().contains("Seccomp:\t2"), r.toString());
        assertTrue(r.get("jrun").out().contains("CapEff:\t00000000a80425fb"), "Docker's default capability set: " + r);
        // the filter is Docker's: a call it denies fails inside (unshare needs CAP_SYS_ADMIN and is filtered)
        same(both(IMAGE, "sh", "-c", "unshare -U true 2>/dev/null; echo $?"));
    }

    @Test
    void memoryLimitOomKillIs137() {
        for (String rt : RUNTIMES) {
            String name = "oom-" + rt;
            Cmd.Result r = dockerd.docker("run", "--name", name, "--runtime=" + rt, "--memory", "64m", IMAGE, "sh", "-c",
                    "x=$(head -c 200000000 /dev/zero | tr '\\0' a); echo survived");
            try {
                assertEquals(137, r.exit(), rt + ": " + r);
                assertEquals("", r.out(), rt + ": " + r);
                assertEquals("true 137", dockerd.dockerOk("inspect", "-f", "{{.State.OOMKilled}} {{.State.ExitCode}}", name).out().trim(), rt);
            } finally {
                dockerd.docker("rm", "-f", name);
            }
        }
    }

    @Test
    void pidsAndCpuLimits() {
        String limits = "cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us"
                + " /sys/fs/cgroup/memory/memory.limit_in_bytes";
        Map<String, Cmd.Result> r = both("--pids-limit", "10", "--cpus", "0.5", "--memory", "32m", IMAGE, "sh", "-c", limits);
        same(r);
        assertEquals("10\n50000\n100000\n33554432\n", r.get("jrun").out(), r.toString());
        // forking past the limit fails; the kernel counts the refusals (builtins only: no fork left to read it)
        for (String rt : RUNTIMES) {
            Cmd.Result f = dockerd.docker("run", "--rm", "--runtime=" + rt, "--pids-limit", "10", IMAGE, "sh", "-c",
                    "(i=0; while [ $i -lt 20 ]; do sleep 2 & i=$((i+1)); done) 2>/dev/null; read k v < /sys/fs/cgroup/pids/pids.events; echo $k $v");
            assertTrue(f.out().matches("max [1-9][0-9]*\n"), rt + ": " + f);
        }
    }

    @Test
    void execTopPauseUpdateStatsStop() {
        for (String rt : RUNTIMES) {
            String name = "long-" + rt;
            dockerd.dockerOk("run", "-d", "--name", name, "--runtime=" + rt, IMAGE, "sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait");
            try {
                Cmd.Result e = dockerd.docker("exec", "-e", "X=y", name, "sh", "-c",
                        "echo $X; grep -E '^(Seccomp|CapEff):' /proc/self/status; cat /proc/1/cmdline | tr '\\0' ' '; echo; exit 5");
                assertEquals(5, e.exit(), rt + ": " + e);
                assertEquals("y\nCapEff:\t00000000a80425fb\nSeccomp:\t2\nsh -c trap 'exit 0' TERM; sleep 1000 & wait \n", e.out(), rt + ": exec joins the container");
                assertEquals("uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)\n", dockerd.dockerOk("exec", "-u", "65534:65534", name, "id").out(), rt);
                Cmd.Result top = dockerd.dockerOk("top", name);
                assertTrue(top.out().contains("sleep 1000"), rt + ": " + top);
                dockerd.dockerOk("pause", name);
                assertEquals("paused", dockerd.dockerOk("inspect", "-f", "{{.State.Status}}", name).out().trim(), rt);
                dockerd.dockerOk("unpause", name);
                dockerd.dockerOk("update", "--memory", "100m", "--memory-swap", "200m", name);
                assertEquals("104857600\n", dockerd.dockerOk("exec", name, "cat", "/sys/fs/cgroup/memory/memory.limit_in_bytes").out(), rt);
                Cmd.Result st = dockerd.dockerOk("stats", "--no-stream", "--format", "{{.MemUsage}} {{.PIDs}}", name);
                assertTrue(st.out().matches("[0-9.]+[KMG]iB / 100MiB 2\n"), rt + ": " + st);
                long t0 = System.nanoTime();
                dockerd.dockerOk("stop", name);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms < 5000, rt + ": the TERM trap ends it at once, not after the 10 s grace: " + ms + " ms");
                assertEquals("0", dockerd.dockerOk("inspect", "-f", "{{.State.ExitCode}}", name).out().trim(), rt);
            } finally {
                dockerd.docker("rm", "-f", name);
            }
        }
    }

    @Test
    void ttyThroughTheConsoleSocket() {
        for (String rt : RUNTIMES) {
            String name = "tty-" + rt;
            dockerd.dockerOk("run", "-d", "--name", name, "--runtime=" + rt, IMAGE, "sleep", "1000");
            try {
                String docker = "/usr/bin/docker -H unix://" + dockerd.dir().resolve("docker.sock");
                Cmd.Result e = Cmd.run(List.of("script", "-qec", docker + " exec -t " + name + " sh -c 'tty; exit 4'", "/dev/null"), null,
                        Map.of("DOCKER_CONFIG", dockerd.dir().resolve("client").toString()), 60);
                assertEquals("/dev/pts/0", e.out().strip(), rt + ": " + e);
                assertEquals(4, e.exit(), rt + ": " + e);
                Cmd.Result plain = dockerd.docker("exec", name, "sh", "-c", "tty; exit 2");
                assertEquals(2, plain.exit(), rt + ": " + plain);
                assertEquals("not a tty\n", plain.out(), rt + ": " + plain);
            } finally {
                dockerd.docker("rm", "-f", name);
            }
            Cmd.Result it = Cmd.run(List.of("sh", "-c", "printf 'tty\\nexit 6\\n' | script -qec '/usr/bin/docker -H unix://"
                    + dockerd.dir().resolve("docker.sock") + " run --rm -it --runtime=" + rt + " " + IMAGE + " sh' /dev/null"), null,
                    Map.of("DOCKER_CONFIG", dockerd.dir().resolve("client").toString()), 60);
            assertEquals(6, it.exit(), rt + ": " + it);
            assertTrue(it.out().contains("/dev/pts/0"), rt + ": " + it);
        }
    }

    @Test
    void rulesInProcessThroughRuntimeArgs() {
        Cmd.Result r = dockerd.docker("run", "--rm", "--runtime=jrun-rules", IMAGE, "sh", "-c", "echo x >> /etc/hosts; echo OI=$OI");
        assertEquals("OI=from-jrun\n", r.out(), r.toString());
        assertTrue(r.err().contains("Read-only file system"), r.toString());
        String name = "rules-exec";
        dockerd.dockerOk("run", "-d", "--name", name, "--runtime=jrun-rules", IMAGE, "sleep", "1000");
        try {
            assertEquals("from-jrun\n", dockerd.dockerOk("exec", name, "sh", "-c", "echo $OI").out(), "the env preset reaches docker exec too");
        } finally {
            dockerd.docker("rm", "-f", name);
        }
    }

    /** Docker's security and resource options: what the container sees is the same under both runtimes. */
    @Test
    void dockerOptionsMatrix() {
        String probe = "grep -E '^(Cap...|NoNewPrivs|Seccomp):' /proc/self/status; id; ulimit -n; cat /proc/sys/net/ipv4/ip_forward;"
                + " ls /dev | wc -l; cat /proc/self/oom_score_adj;"
                // jrun also mounts the hybrid host's cgroup2 tree, runc 1.1 does not (a known difference, see CompareIT)
                + " grep -v ' /sys/fs/cgroup/unified ' /proc/self/mountinfo | grep -c .";
        List<String> matrix = List.of("--cap-add SYS_ADMIN --cap-drop NET_RAW", "--security-opt no-new-privileges",
                "--security-opt seccomp=unconfined", "--user 1000:1000 --group-add 5", "--ulimit nofile=1000:2000",
                "--sysctl net.ipv4.ip_forward=1", "--device /dev/fuse", "--oom-score-adj 300",
                "--cpuset-cpus 0 --cpu-shares 512 --memory-reservation 10m --blkio-weight 300", "--oom-kill-disable --memory 64m",
                "--init", "--shm-size 8m --tmpfs /run:size=1m", "--cap-drop ALL --user 1000 --cap-add NET_BIND_SERVICE");
        for (String opts : matrix) {
            List<String> a = new java.util.ArrayList<>(List.of(opts.split(" ")));
            a.addAll(List.of(IMAGE, "sh", "-c", probe));
            Map<String, Cmd.Result> r = both(a.toArray(String[]::new));
            assertEquals(0, r.get("jrun").exit(), opts + ": " + r);
            assertEquals(r.get("runc").out(), r.get("jrun").out(), opts + ": jrun vs runc");
        }
    }

    @Test
    void readOnlyRootfs() {
        Map<String, Cmd.Result> r = both("--read-only", IMAGE, "sh", "-c", "touch /x 2>&1; echo $?; touch /tmp/y 2>&1; echo $?");
        same(r);
        assertEquals("touch: /x: Read-only file system\n1\ntouch: /tmp/y: Read-only file system\n1\n", r.get("jrun").out(), r.toString());
    }

    /** A missing command is `docker run`'s error, as under runc (it failed create), not a container that exited 127. */
    @Test
    void aMissingCommandIsARunError() {
        Map<String, Cmd.Result> r = both(IMAGE, "nosuch");
        same(r);
        assertEquals(127, r.get("jrun").exit(), r.toString());
        for (String rt : RUNTIMES)
            assertTrue(r.get(rt).err().contains("exec: \"nosuch\": executable file not found in $PATH"), rt + ": " + r.get(rt));
    }
}
