package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import jrun.spec.Json;
import jrun.testing.Cmd;
import jrun.testing.Sandbox;

/**
 * Lifecycle's failures that need a real container to reach: the exec fifo gone before start,
 * the init dying during setup, the helper dying before it reports, an exec into a container that
 * has stopped. Each is one line on stderr, exit status 1, and leaves no process, no cgroup, no
 * mount and no state of a container that was never made.
 */
@Timeout(180)
class LifecycleErrorsIT extends WithSandbox {
    @SuppressWarnings("unchecked")
    private Map<String, Object> state(String id) {
        return (Map<String, Object>) Json.parse(sb.jrun("state", id).ok().out());
    }

    /** Asserts r failed with status 1 and exactly the line "jrun: " + message. */
    static void failed(Sandbox.Result r, String message) {
        assertEquals(1, r.status(), "exit status; stderr: " + r.err());
        assertEquals("jrun: " + message, r.err().strip(), "one line on stderr");
        assertEquals("", r.out(), "nothing on stdout");
    }

    /** Nothing of container id: no state, no cgroup in any hierarchy, nothing mounted in the sandbox. */
    private void nothingLeftOf(String id) throws Exception {
        nothingLeftOf(sb, id);
    }

    /** Nothing of container id in sandbox sb (CrashIT uses it too). */
    static void nothingLeftOf(Sandbox sb, String id) throws Exception {
        assertFalse(Files.exists(sb.jrunRoot.resolve(id)), "state directory left");
        for (String dir : sb.cgroupDirs(id)) assertFalse(Files.exists(Path.of(dir)), "cgroup left: " + dir);
        assertEquals(List.of(), Sandbox.mountsUnder(sb.dir), "mounts left in the sandbox");
        assertEquals("", sb.jrun("list", "-q").ok().out().strip());
    }

    /**
     * No process holds anything in this sandbox (its root, cwd, executable or an open fd there): an
     * init holds the exec fifo in the state directory, and runs from the bundle's rootfs.
     */
    private void noProcessLeft() throws Exception {
        noProcessLeft(sb);
    }

    /** No process holds anything in sandbox sb (CrashIT uses it too). */
    static void noProcessLeft(Sandbox sb) throws Exception {
        for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
            List<Path> links = new ArrayList<>();
            Path proc = Path.of("/proc/" + p.pid());
            for (String l : List.of("root", "cwd", "exe")) links.add(proc.resolve(l));
            try (var fds = Files.list(proc.resolve("fd"))) {
                links.addAll(fds.toList());
            } catch (java.io.IOException e) {
                continue; // gone meanwhile
            }
            for (Path l : links) {
                String target;
                try {
                    target = Files.readSymbolicLink(l).toString();
                } catch (java.io.IOException e) {
                    continue;
                }
                assertFalse(target.startsWith(sb.dir + "/") && p.pid() != ProcessHandle.current().pid(),
                        "a process left holding " + target + ": " + p.pid() + " " + p.info().commandLine().orElse(""));
            }
        }
    }

    /** Whether pid is gone or a zombie (its reaper, pid 1 here, may take a moment). */
    static boolean dead(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
        } catch (java.io.IOException e) {
            return true;
        }
    }

    private static Path script(Path dir, String name, String body) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @Test
    void startWithTheExecFifoGoneFailsAndTheContainerCanStillBeDeleted() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sh", "-c", "echo ran > /tmp/ran; sleep 1000"));
        sb.jrun("create", "--bundle", b.toString(), "f1").ok();
        long pid = Long.parseLong(state("f1").get("pid").toString());
        Files.delete(sb.jrunRoot.resolve("f1/exec.fifo"));
        failed(sb.jrun("start", "f1"), "cannot start container f1: its exec fifo is gone");
        assertFalse(Files.exists(sb.jrunRoot.resolve("f1/exec.fifo")), "start made no file in the fifo's place");
        assertEquals("created", state("f1").get("status"));
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the init still waits");
        Thread.sleep(100);
        assertFalse(Files.exists(b.resolve("rootfs/tmp/ran")), "the program never ran");
        sb.jrun("delete", "--force", "f1").ok();
        assertTrue(dead(pid), "the init is gone");
        nothingLeftOf("f1");
        noProcessLeft();
    }

    @Test
    void anInitKilledDuringSetupFailsTheCreateAndLeavesNothing() throws Exception {
        // A createContainer hook runs in the init's namespaces, as its child, once Java said go:
        // it kills the init (not pid 1 of a namespace of its own, which SIGKILL from inside cannot end).
        Path hook = script(sb.dir, "kill-parent.sh", "kill -9 $PPID");
        Path b = sb.bundle("b", c -> {
            Sandbox.args(c, "sleep", "1000");
            ((List<?>) Sandbox.linux(c).get("namespaces")).removeIf(n -> "pid".equals(((Map<?, ?>) n).get("type")));
            c.put("hooks", Map.of("createContainer", List.of(Map.of("path", hook.toString()))));
        });
        failed(sb.jrun("create", "--bundle", b.toString(), "i1"), "the container's init exited during setup");
        nothingLeftOf("i1");
        noProcessLeft();
    }

    @Test
    void anInitKilledByAPrestartHookFailsTheCreateAndLeavesNothing() throws Exception {
        // A prestart hook runs on the host while the init waits for Java's go: the init is gone
        // when Java sends it (or, if the pipe takes the go, when it reads the next report).
        Path hook = script(sb.dir, "kill-init.sh", "kill -9 $(tr -d ' \\n' | sed -n 's/.*\"pid\":\\([0-9]*\\).*/\\1/p')");
        Path b = sb.bundle("b", c -> {
            Sandbox.args(c, "sleep", "1000");
            c.put("hooks", Map.of("prestart", List.of(Map.of("path", hook.toString()))));
        });
        Sandbox.Result r = sb.jrun("create", "--bundle", b.toString(), "i2");
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().strip().equals("jrun: the container's init went away during setup: Broken pipe")
                || r.err().strip().equals("jrun: the container's init exited during setup"), r.err());
        nothingLeftOf("i2");
        noProcessLeft();
    }

    @Test
    void aHelperKilledBeforeItReportsFailsTheCreateAndLeavesNothing() throws Exception {
        // The helper joins linux.namespaces[].path before it clones: a fifo there holds it in open(2)
        // until the test kills it, so it dies without a word.
        Path fifo = sb.dir.resolve("ns-fifo");
        Cmd.ok("mkfifo", fifo.toString());
        Path b = sb.bundle("b", c -> {
            Sandbox.args(c, "sleep", "1000");
            joinNetwork(c, fifo.toString());
        });
        Process create = new ProcessBuilder(Sandbox.JRUN.toString(), "--root", sb.jrunRoot.toString(), "create", "--bundle", b.toString(), "h1")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        try {
            ProcessHandle helper = null;
            for (int i = 0; i < 1000 && helper == null; i++) {
                for (ProcessHandle d : create.descendants().toList())
                    if (wchan(d.pid()).equals("wait_for_partner")) helper = d; // blocked opening the fifo
                if (helper == null) Thread.sleep(10);
            }
            assertTrue(helper != null, "no helper blocked on the namespace fifo");
            assertEquals("jrun-helper", Files.readString(Path.of("/proc/" + helper.pid() + "/comm")).strip());
            helper.destroyForcibly();
            assertTrue(create.waitFor(30, TimeUnit.SECONDS), "create returns once its helper died");
            String err = new String(create.getErrorStream().readAllBytes()).strip();
            assertEquals(1, create.exitValue(), err);
            assertEquals("jrun: jrun-helper exited without a report (status 137)", err);
            assertEquals("", new String(create.getInputStream().readAllBytes()));
        } finally {
            create.descendants().forEach(ProcessHandle::destroyForcibly);
            create.destroyForcibly();
        }
        nothingLeftOf("h1");
        noProcessLeft();
    }

    /** Replaces the network namespace of config c by one joined at path. */
    static void joinNetwork(Map<String, Object> c, String path) {
        List<Object> ns = new ArrayList<>();
        for (Object n : (List<?>) Sandbox.linux(c).get("namespaces"))
            if (!"network".equals(((Map<?, ?>) n).get("type"))) ns.add(n);
        ns.add(Map.of("type", "network", "path", path));
        Sandbox.linux(c).put("namespaces", ns);
    }

    @Test
    void helperFailuresThroughJrunNameTheFieldAndLeaveNothing() throws Exception {
        Path file = Files.writeString(sb.dir.resolve("file"), "x"), none = sb.dir.resolve("none");
        Path b = sb.bundle("b", c -> {
            Sandbox.args(c, "true");
            joinNetwork(c, file.toString());
        });
        failed(sb.jrun("create", "--bundle", b.toString(), "n1"), "linux.namespaces[5].path: join namespace " + file + ": Invalid argument");
        nothingLeftOf("n1");
        Path b2 = sb.bundle("b2", c -> {
            Sandbox.args(c, "true");
            joinNetwork(c, none.toString());
        });
        failed(sb.jrun("create", "--bundle", b2.toString(), "n2"), "linux.namespaces[5].path: join namespace " + none + ": No such file or directory");
        nothingLeftOf("n2");

        Path tty = sb.bundle("tty", c -> {
            Sandbox.args(c, "true");
            Sandbox.process(c).put("terminal", Boolean.TRUE);
        });
        failed(sb.jrun("create", "--bundle", tty.toString(), "--console-socket", none.toString(), "t1"),
                "--console-socket: connect to console socket " + none + ": No such file or directory");
        nothingLeftOf("t1");
        failed(sb.jrun("create", "--bundle", tty.toString(), "--console-socket", file.toString(), "t2"),
                "--console-socket: connect to console socket " + file + ": Connection refused");
        nothingLeftOf("t2");

        Path notify = sb.bundle("notify", c -> {
            Sandbox.args(c, "true");
            Sandbox.linux(c).put("seccomp", Json.parse("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"" + none
                    + "\", \"architectures\": [\"SCMP_ARCH_X86_64\"], \"syscalls\": [{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}"));
        });
        failed(sb.jrun("create", "--bundle", notify.toString(), "l1"),
                "linux.seccomp.listenerPath: connect to the seccomp listener " + none + ": No such file or directory");
        nothingLeftOf("l1");

        Path hook = script(sb.dir, "kill-self.sh", "kill -9 $$");
        Path hooked = sb.bundle("hooked", c -> {
            Sandbox.args(c, "true");
            c.put("hooks", Map.of("createContainer", List.of(Map.of("path", hook.toString()))));
        });
        failed(sb.jrun("create", "--bundle", hooked.toString(), "k1"), "hooks.createContainer[0]: hook " + hook + " killed by signal 9");
        nothingLeftOf("k1");
        noProcessLeft();
    }

    private static String wchan(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/wchan")).strip();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    @Test
    void execIntoAStoppedContainerFails() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "true"));
        sb.jrun("create", "--bundle", b.toString(), "s1").ok();
        sb.jrun("start", "s1").ok();
        for (int i = 0; i < 500 && !"stopped".equals(state("s1").get("status")); i++) Thread.sleep(10);
        assertEquals("stopped", state("s1").get("status"));
        String before = Files.readString(sb.jrunRoot.resolve("s1/state.json"));
        Path marker = b.resolve("rootfs/tmp/exec-ran");
        failed(sb.jrun("exec", "s1", "touch", "/tmp/exec-ran"), "cannot exec in a stopped container");
        Path process = Files.writeString(sb.dir.resolve("process.json"), "{\"args\": [\"touch\", \"/tmp/exec-ran\"], \"cwd\": \"/\"}");
        failed(sb.jrun("exec", "--process", process.toString(), "s1"), "cannot exec in a stopped container");
        failed(sb.jrun("exec", "--detach", "s1", "touch", "/tmp/exec-ran"), "cannot exec in a stopped container");
        assertFalse(Files.exists(marker), "the exec ran");
        assertEquals(before, Files.readString(sb.jrunRoot.resolve("s1/state.json")), "the state is as it was");
        noProcessLeft();
        sb.jrun("delete", "s1").ok();
        nothingLeftOf("s1");
    }
}
