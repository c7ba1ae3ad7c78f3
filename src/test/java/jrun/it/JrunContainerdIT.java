package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import jrun.testing.Busybox;
import jrun.testing.Cmd;
import jrun.testing.DockerDaemon;
import jrun.testing.Home;
import jrun.testing.Sandbox;

/**
 * containerd's ctr with {@code --runc-binary bin/jrun} against runc, on the containerd a private
 * dockerd starts: run with a memory limit, exec, pause (task ls), ps, kill and rm.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JrunContainerdIT {
    Sandbox sb;
    DockerDaemon dockerd;
    Path rootfs;

    @BeforeAll
    void start() throws IOException {
        assertTrue(Sandbox.isRoot(), "integration tests run as root (CI does)");
        sb = new Sandbox("jrun-ctr-it");
        rootfs = Busybox.rootfs(sb.dir);
        dockerd = new DockerDaemon(Files.createDirectories(sb.dir.resolve("docker")), "{}");
    }

    @AfterAll
    void stop() throws IOException {
        try {
            if (dockerd != null) dockerd.close();
        } finally {
            sb.close();
            // containerd made /jrun-it (the namespace) in every hierarchy: remove it once empty
            try (var hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
                for (Path h : hierarchies.toList()) Files.deleteIfExists(h.resolve("jrun-it"));
            } catch (IOException e) {
                System.err.println("JrunContainerdIT: leftover cgroup /jrun-it: " + e.getMessage());
            }
        }
    }

    Cmd.Result ctr(String... args) {
        List<String> argv = new ArrayList<>(List.of("ctr", "-a", dockerd.dir().resolve("exec/containerd/containerd.sock").toString(), "-n", "jrun-it"));
        argv.addAll(List.of(args));
        return Cmd.run(argv, sb.dir, Map.of(), 60);
    }

    static String binary(String rt) {
        return rt.equals("jrun") ? Home.bin("jrun") : "/usr/sbin/runc";
    }

    @Test
    void runWithAMemoryLimit() {
        Map<String, Cmd.Result> r = new HashMap<>();
        for (String rt : List.of("jrun", "runc"))
            r.put(rt, ctr("run", "--rm", "--runc-binary", binary(rt), "--memory-limit", "67108864", "--rootfs", rootfs.toString(), "run-" + rt,
                    "/bin/sh", "-c", "grep -E '^(Seccomp|CapEff):' /proc/self/status; grep memory /proc/self/cgroup; exit 3"));
        assertEquals(3, r.get("jrun").exit(), r.toString());
        assertEquals(r.get("runc").out().replace("run-runc", "ID"), r.get("jrun").out().replace("run-jrun", "ID"), r.toString());
    }

    @Test
    void execPausePsKill() throws IOException {
        for (String rt : List.of("jrun", "runc")) {
            String id = "long-" + rt;
            assertEquals(0, ctr("run", "-d", "--runc-binary", binary(rt), "--memory-limit", "67108864", "--rootfs", rootfs.toString(), id,
                    "/bin/sleep", "1000").exit(), rt);
            try {
                Cmd.Result e = ctr("task", "exec", "--exec-id", "e1", id, "/bin/sh", "-c", "echo in-exec; exit 7");
                assertEquals(7, e.exit(), rt + ": " + e);
                assertEquals("in-exec\n", e.out(), rt);
                assertEquals("67108864", Files.readString(Path.of("/sys/fs/cgroup/memory/jrun-it", id, "memory.limit_in_bytes")).strip(), rt);
                assertEquals(0, ctr("task", "pause", id).exit(), rt);
                assertTrue(ctr("task", "ls").out().matches("(?s).*" + id + "\\s+\\d+\\s+PAUSED.*"), rt);
                assertEquals(0, ctr("task", "resume", id).exit(), rt);
                assertTrue(ctr("task", "ls").out().matches("(?s).*" + id + "\\s+\\d+\\s+RUNNING.*"), rt);
                assertTrue(ctr("task", "ps", id).out().lines().count() >= 2, rt);
            } finally {
                ctr("task", "kill", "-s", "KILL", id);
                for (int i = 0; i < 50 && ctr("task", "rm", id).exit() != 0; i++) sleep();
                ctr("c", "rm", id);
            }
        }
    }

    static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
