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
import jrun.testing.Containerd;
import jrun.testing.Home;
import jrun.testing.Sandbox;

/**
 * containerd's ctr with {@code --runc-binary bin/jrun} against runc, on a private containerd: run
 * with a memory limit, exec, pause (task ls), ps, kill and rm. Each runtime keeps its state under
 * a --runc-root of this run's own, and the namespace (which names the cgroups, /NAMESPACE/ID) is
 * this run's own too, so runs at the same time do not meet.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JrunContainerdIT {
    Sandbox sb;
    Containerd containerd;
    Path rootfs;
    final String namespace = "jrun-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime() % 100000;

    @BeforeAll
    void start() throws IOException {
        assertTrue(Sandbox.isRoot(), "integration tests run as root (CI does)");
        sb = new Sandbox("jrun-ctr-it");
        rootfs = Busybox.rootfs(sb.dir);
        containerd = new Containerd(sb.dir.resolve("containerd"));
    }

    @AfterAll
    void stop() throws IOException {
        try {
            if (containerd != null) containerd.close();
        } finally {
            sb.close();
            // containerd made /NAMESPACE in every hierarchy: remove it once empty
            Sandbox.removeCgroups("/" + namespace);
        }
    }

    Cmd.Result ctr(String... args) {
        List<String> argv = new ArrayList<>(List.of("-n", namespace));
        argv.addAll(List.of(args));
        return containerd.ctr(argv.toArray(String[]::new));
    }

    /** ctr run's runtime flags: the binary, a runtime root of this run's own (not /run/containerd/runc), private IO fifos. */
    List<String> runtime(String rt) {
        return List.of("--runc-binary", binary(rt), "--runc-root", sb.dir.resolve("runtime-root-" + rt).toString(), "--fifo-dir", fifos());
    }

    /** Where ctr makes a task's IO fifos (else /run/containerd/fifo). */
    String fifos() {
        return sb.dir.resolve("fifo").toString();
    }

    static String binary(String rt) {
        return rt.equals("jrun") ? Home.bin("jrun") : "/usr/sbin/runc";
    }

    @Test
    void runWithAMemoryLimit() {
        Map<String, Cmd.Result> r = new HashMap<>();
        for (String rt : List.of("jrun", "runc")) {
            List<String> args = new ArrayList<>(List.of("run", "--rm"));
            args.addAll(runtime(rt));
            args.addAll(List.of("--memory-limit", "67108864", "--rootfs", rootfs.toString(), "run-" + rt,
                    "/bin/sh", "-c", "grep -E '^(Seccomp|CapEff):' /proc/self/status; grep memory /proc/self/cgroup; exit 3"));
            r.put(rt, ctr(args.toArray(String[]::new)));
        }
        assertEquals(3, r.get("runc").exit(), r.toString());
        assertEquals(3, r.get("jrun").exit(), r.toString());
        assertEquals(r.get("runc").out().replace("run-runc", "ID"), r.get("jrun").out().replace("run-jrun", "ID"), r.toString());
    }

    @Test
    void execPausePsKill() throws IOException {
        for (String rt : List.of("jrun", "runc")) {
            String id = "long-" + rt;
            List<String> args = new ArrayList<>(List.of("run", "-d"));
            args.addAll(runtime(rt));
            args.addAll(List.of("--memory-limit", "67108864", "--rootfs", rootfs.toString(), id, "/bin/sleep", "1000"));
            assertEquals(0, ctr(args.toArray(String[]::new)).exit(), rt);
            try {
                // the runtime keeps its state where it was told (the shim adds the namespace)
                assertTrue(Files.isDirectory(sb.dir.resolve("runtime-root-" + rt).resolve(namespace).resolve(id)), rt + ": state under its --runc-root");
                Cmd.Result e = ctr("task", "exec", "--fifo-dir", fifos(), "--exec-id", "e1", id, "/bin/sh", "-c", "echo in-exec; exit 7");
                assertEquals(7, e.exit(), rt + ": " + e);
                assertEquals("in-exec\n", e.out(), rt);
                assertEquals("67108864", Files.readString(Path.of("/sys/fs/cgroup/memory", namespace, id, "memory.limit_in_bytes")).strip(), rt);
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
