package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import jrun.runtime.ProcStat;
import jrun.testing.Require;
import jrun.testing.Sandbox;

/** run_oci's options, each checked from inside the container, through the state directory or the host. */
class RunOciOptionsIT {
    RunOciIT t = new RunOciIT();

    @BeforeEach
    void setUp() throws Exception {
        t.setUp();
    }

    @AfterEach
    void tearDown() throws Exception {
        t.tearDown();
    }

    String out(Path b, String id, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of(more));
        args.addAll(List.of("-c", b.toString(), "run", id));
        return t.runOci(args.toArray(String[]::new)).ok().out();
    }

    @Test
    void bindMountIsNonRecursiveAndCreatesItsTarget() throws Exception {
        Path src = Files.createDirectories(t.sb.dir.resolve("host-src"));
        Files.writeString(src.resolve("f"), "from-host");
        Path sub = Files.createDirectories(src.resolve("sub"));
        t.sb.sh("mount -t tmpfs jrun-sub " + sub).ok();
        Files.writeString(sub.resolve("g"), "in-submount");
        Path b = t.bundle("b", "sh", "-c", "cat /a/b/f; echo; ls /a/b/sub | wc -l; grep -c ' /a/b ' /proc/self/mountinfo");
        String o = out(b, "bm", "-b", src + ":/a/b");
        assertEquals("from-host\n0\n1\n", o); // the tmpfs below src is not carried (non-recursive)
        assertFalse(Files.exists(b.resolve("rootfs/a/b/f"))); // the target was made, the host file not copied in
        assertTrue(Files.isDirectory(b.resolve("rootfs/a/b")));
        // a relative source is resolved against the current directory, a missing one is an error
        Sandbox.Result missing = t.runOci("-b", "/no/such/dir:/x", "-c", b.toString(), "run", "bm2");
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("--bind_mount: /no/such/dir does not exist"), missing.err());
    }

    @Test
    void cgroupParentIsUsedWhenCgroupsPathIsEmpty() throws Exception {
        String parent = "jrun-it-parent-" + ProcessHandle.current().pid();
        Path b = t.bundle("b", "sleep", "1000");
        t.runOci("-p", parent, "-c", b.toString(), "start", "cg").ok();
        long pid = t.pid("cg");
        try {
            String cgroups = ProcStat.read("/proc/" + pid + "/cgroup");
            assertTrue(cgroups.contains(":memory:/" + parent + "/cg\n") || cgroups.contains("::/" + parent + "/cg\n"), cgroups);
        } finally {
            t.runOci("-S", "KILL", "kill", "cg");
            RunOciIT.waitDead(pid);
            t.runOci("destroy", "cg").ok();
            t.sb.sh("for d in /sys/fs/cgroup/*/" + parent + " /sys/fs/cgroup/unified/" + parent + "; do [ -d $d ] && rmdir $d; done; true");
        }
        // a config's own cgroupsPath wins; read from the host (inside, the cgroup namespace shows every path as /)
        Path b2 = t.bundle("b2", c -> Sandbox.linux(c).put("cgroupsPath", "/" + parent + "-own"), "sleep", "1000");
        t.runOci("-p", parent, "-c", b2.toString(), "start", "cg2").ok();
        long pid2 = t.pid("cg2");
        try {
            String cgroups = ProcStat.read("/proc/" + pid2 + "/cgroup");
            assertTrue(cgroups.contains(":memory:/" + parent + "-own\n") || cgroups.contains("::/" + parent + "-own\n"), cgroups);
            assertFalse(cgroups.contains("/" + parent + "/"), cgroups);
            for (String dir : List.of("/sys/fs/cgroup/memory/", "/sys/fs/cgroup/pids/", "/sys/fs/cgroup/"))
                if (Files.isRegularFile(Path.of(dir + parent + "-own/cgroup.procs"))) {
                    assertEquals(pid2 + "\n", Files.readString(Path.of(dir + parent + "-own/cgroup.procs")), dir);
                    assertFalse(Files.exists(Path.of(dir + parent + "/cg2")), dir);
                }
        } finally {
            t.runOci("-S", "KILL", "kill", "cg2");
            RunOciIT.waitDead(pid2);
            t.runOci("destroy", "cg2").ok();
            t.sb.sh("for d in /sys/fs/cgroup/*/" + parent + "-own /sys/fs/cgroup/unified/" + parent + "-own /sys/fs/cgroup/*/" + parent
                    + " /sys/fs/cgroup/unified/" + parent + "; do [ -d $d ] && rmdir $d; done; true");
        }
    }

    /** -u maps container 0 to the caller's uid, and to the caller's gid for groups (the original used the uid for both). */
    @Test
    void useCurrentUserMapsUidAndGidSeparately() throws Exception {
        Path b = t.bundle("b", c -> {
            // a user namespace cannot mount sysfs without its own network namespace; keep the mounts it can make
            Sandbox.mounts(c).removeIf(m -> m instanceof Map<?, ?> mm && String.valueOf(mm.get("destination")).startsWith("/sys"));
            // and only mapped ids: devpts's gid=5 is not mapped
            for (Object m : Sandbox.mounts(c))
                if (m instanceof Map<?, ?> mm && mm.get("options") instanceof List<?> o) o.removeIf("gid=5"::equals);
        }, "sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map; id -u; id -g");
        List<String> cmd = List.of("setpriv", "--regid=4321", "--clear-groups", RunOciIT.RUN_OCI.toString(), "-u", "-c", b.toString(), "run", "u1");
        t.ids.add("u1");
        Sandbox.Result r = t.exec(cmd, Map.of()).ok();
        String[] lines = r.out().strip().split("\n");
        assertEquals(List.of("0", "0", "1"), List.of(lines[0].trim().split("\\s+")));
        assertEquals(List.of("0", "4321", "1"), List.of(lines[1].trim().split("\\s+")));
        assertEquals("0", lines[2]);
        assertEquals("0", lines[3]);
    }

    @Test
    void logDirTakesRunOciMessagesHooksAndTheContainersOutput() throws Exception {
        Path logs = t.sb.dir.resolve("logs");
        Path b = t.bundle("b", "sh", "-c", "echo to-stdout; echo to-stderr >&2; sleep 1000");
        t.runOci("-l", logs.toString(), "-c", b.toString(), "start", "lg").ok();
        List<Path> files;
        try (var s = Files.list(logs)) {
            files = s.toList();
        }
        assertEquals(1, files.size());
        Path log = files.get(0);
        assertTrue(log.getFileName().toString().matches("lg\\.[0-9]{8}-[0-9]{6}"), log.toString());
        assertEquals(log, Files.readSymbolicLink(t.state.resolve("lg/log")));
        long pid = t.pid("lg");
        for (int i = 0; i < 200 && !Files.readString(log).contains("to-stderr"); i++) Thread.sleep(10);
        t.runOci("-S", "KILL", "kill", "lg").ok(); // no -l: logs to the same file through the link
        RunOciIT.waitDead(pid);
        t.runOci("destroy", "lg").ok();
        String text = Files.readString(log);
        for (String s : List.of("Starting container lg", "to-stdout", "to-stderr", "Container lg running", "Sending signal 9 to container lg",
                "Destroying container lg", "Container lg destroyed"))
            assertTrue(text.contains(s), s + " in " + text);
    }

    @Test
    void logTagSendsMessagesToSyslog() throws Exception {
        Require.executable(Path.of("/usr/bin/logger"), "bsdutils");
        Path python = Require.executable(Path.of("/usr/bin/python3"), "python3");
        Path sock = t.sb.dir.resolve("syslog.sock"), got = t.sb.dir.resolve("syslog.txt"), said = t.sb.dir.resolve("listener.out");
        Process listener = new ProcessBuilder(python.toString(), "-c", """
                import socket, sys
                s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1])
                open(sys.argv[2] + '.ready', 'w').close()
                with open(sys.argv[2], 'ab', buffering=0) as f:
                    while True: f.write(s.recv(65536) + b'\\n')
                """, sock.toString(), got.toString()).redirectErrorStream(true).redirectOutput(said.toFile()).start();
        try {
            for (int i = 0; i < 300 && !Files.exists(Path.of(got + ".ready")); i++) Thread.sleep(10);
            assertTrue(Files.exists(sock), "python3 could not listen on a unix datagram socket: " + Files.readString(said));
            Path b = t.bundle("b", "sh", "-c", "echo container-says-hi; echo container-err >&2");
            Map<String, String> env = Map.of("RUN_OCI_SYSLOG_SOCKET", sock.toString());
            t.ids.add("tag");
            Sandbox.Result r = t.runOci(env, "--log_tag=my-tag", "-c", b.toString(), "run", "tag").ok();
            assertEquals("", r.out()); // the container's output went to syslog
            // an ignored capability is a warning: into syslog as user.warning, not onto stderr
            Path w = t.bundle("w", c -> Sandbox.process(c).put("capabilities", jrun.spec.Json.parse("{\"bounding\":[\"CAP_BOGUS\"]}")), "true");
            t.ids.add("warn");
            Sandbox.Result warned = t.runOci(env, "--log_tag=my-tag", "-c", w.toString(), "run", "warn").ok();
            assertEquals("", warned.err());
            Sandbox.Result bad = t.runOci(env, "--log_tag=my-tag", "-c", "/no/such/bundle", "start", "tag2");
            assertEquals(1, bad.status());
            for (int i = 0; i < 200 && (!Files.exists(got) || !Files.readString(got).contains("config.json")); i++) Thread.sleep(10);
            String text = Files.readString(got);
            assertTrue(text.contains("my-tag[") && text.contains("Starting container tag"), text);
            assertTrue(text.contains("Container tag finished with status 0"), text);
            assertTrue(text.matches("(?s).*my-tag\\[[0-9]+\\]: container-says-hi.*"), text);
            assertTrue(text.contains("container-err"), text);
            assertTrue(text.matches("(?s).*<11>.*my-tag\\[[0-9]+\\]: .*/no/such/bundle.*"), text); // user.err
            assertTrue(text.matches("(?s).*<12>.*my-tag\\[[0-9]+\\]: .*CAP_BOGUS.*"), text); // user.warning
        } finally {
            listener.destroyForcibly();
            listener.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void sigstopWhenReadyStopsRunOciOnceTheContainerRuns() throws Exception {
        Path b = t.bundle("b", "sh", "-c", "echo started > /tmp/started; sleep 0.3; exit 4");
        t.ids.add("ss");
        ProcessBuilder pb = new ProcessBuilder(RunOciIT.RUN_OCI.toString(), "--sigstop_when_ready", "-c", b.toString(), "run", "ss");
        pb.environment().put("RUN_OCI_STATE_ROOT", t.state.toString());
        Process p = pb.redirectErrorStream(true).start();
        try {
            char st = 0;
            for (int i = 0; i < 1000; i++) {
                String stat = ProcStat.read("/proc/" + p.pid() + "/stat");
                st = stat.charAt(stat.lastIndexOf(')') + 2);
                if (st == 'T') break;
                Thread.sleep(10);
            }
            assertEquals('T', st, "run_oci should have stopped itself");
            assertTrue(Files.exists(b.resolve("rootfs/tmp/started")) || Files.isDirectory(t.state.resolve("ss")));
            Thread.sleep(600); // the container finishes while run_oci is stopped
            assertTrue(p.isAlive());
            Runtime.getRuntime().exec(new String[] {"kill", "-CONT", Long.toString(p.pid())}).waitFor();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(4, p.exitValue());
            assertFalse(Files.exists(t.state.resolve("ss")));
        } finally {
            p.destroyForcibly();
        }
    }
}
