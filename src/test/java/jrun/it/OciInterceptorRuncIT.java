package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import jrun.spec.ConfigTree;
import jrun.testing.Busybox;
import jrun.testing.Cmd;
import jrun.testing.Home;
import jrun.testing.Sandbox;

/** oci-interceptor in front of real runc, on busybox-static bundles, as a user would run it. Needs root. */
class OciInterceptorRuncIT {
    Sandbox sb;
    Path runcRoot;
    Path hosts;
    String oi;

    @BeforeEach
    void setUp() throws IOException {
        assertTrue(Sandbox.isRoot(), "integration tests run as root (CI does)");
        sb = new Sandbox("oi-runc-it");
        runcRoot = Files.createDirectories(sb.dir.resolve("runc-root"));
        hosts = Files.writeString(sb.dir.resolve("hosts"), "127.0.0.1 localhost\n");
        oi = Home.bin("oci-interceptor");
    }

    @AfterEach
    void tearDown() throws IOException {
        for (String id : Cmd.run("runc", "--root", runcRoot.toString(), "list", "-q").out().split("\n")) {
            if (!id.isBlank()) Cmd.run("runc", "--root", runcRoot.toString(), "delete", "--force", id.trim());
        }
        sb.close();
    }

    private Path bundleWithHosts(String... args) throws IOException {
        return bundleWithHostsIn(sb.dir, args);
    }

    private Cmd.Result oi(Path bundle, String... pre) {
        List<String> argv = new ArrayList<>(List.of(oi));
        argv.addAll(List.of(pre));
        argv.addAll(List.of("--root", runcRoot.toString(), "run", "--bundle", bundle.toString(), "c1"));
        return Cmd.run(argv, sb.dir, Map.of(), 60);
    }

    @Test
    void hostsIsReadOnlyWithTheFlagAndWritableWithout() throws IOException {
        Path b = bundleWithHosts("sh", "-c", "echo pwned >> /etc/hosts && echo WROTE; grep ' /etc/hosts ' /proc/self/mountinfo");
        Cmd.Result ro = oi(b, "--oi-readonly-networking-mounts");
        assertEquals(0, ro.exit(), ro.toString());
        assertFalse(ro.out().contains("WROTE"), ro.toString());
        assertTrue(ro.err().contains("Read-only file system"), ro.toString());
        assertTrue(ro.out().contains(" /etc/hosts ro,"), ro.toString());
        assertFalse(Files.readString(hosts).contains("pwned"));

        Path b2 = Files.createDirectories(sb.dir.resolve("second"));
        Path bundle2 = bundleWithHostsIn(b2, "sh", "-c", "echo pwned >> /etc/hosts");
        Cmd.Result rw = oi(bundle2);
        assertEquals(0, rw.exit(), rw.toString());
        assertTrue(Files.readString(hosts).contains("pwned"));
    }

    private Path bundleWithHostsIn(Path dir, String... args) throws IOException {
        Path b = Busybox.bundle(dir, args);
        Map<String, Object> c = Busybox.config(b);
        ConfigTree.array(c.get("mounts"), "mounts").add(new java.util.LinkedHashMap<>(Map.of("destination", "/etc/hosts",
                "type", "bind", "source", hosts.toString(), "options", new ArrayList<>(List.of("rbind", "rw")))));
        Busybox.writeConfig(b, c);
        return b;
    }

    @Test
    void envDefaultAndForceReachTheContainer() throws IOException {
        Path b = Busybox.bundle(sb.dir, "sh", "-c", "echo A=$A B=$B TERM=$TERM");
        Cmd.Result r = oi(b, "--oi-env", "A=from-oi", "--oi-env", "TERM=not-used", "--oi-env-force=B=x=y");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("A=from-oi B=x=y TERM=xterm\n", r.out());
    }

    @Test
    void exitStatusIsTheContainers() throws IOException {
        Path b = Busybox.bundle(sb.dir, "sh", "-c", "exit 42");
        assertEquals(42, oi(b, "--oi-readonly-networking-mounts").exit());
    }

    @Test
    void aSignalToOurPidReachesTheRuntimeBecauseItIsTheRuntime() throws Exception {
        Path b = Busybox.bundle(sb.dir, "sh", "-c", "trap 'exit 7' TERM; echo ready; while :; do sleep 0.1; done");
        Path out = sb.dir.resolve("sig1.out"); // a file, not a pipe: waiting for "ready" needs no blocking read
        Process p = new ProcessBuilder(oi, "--oi-env=A=1", "--root", runcRoot.toString(), "run", "--bundle", b.toString(), "sig1")
                .redirectErrorStream(true).redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        try {
            for (int i = 0; i < 500 && !Files.readString(out).contains("\n") && p.isAlive(); i++) Thread.sleep(20);
            assertEquals("ready\n", Files.readString(out));
            assertEquals("runc", Files.readString(Path.of("/proc/" + p.pid() + "/comm")).trim(),
                    "the pid Docker started is runc itself: no process in between");
            Cmd.ok("kill", "-TERM", Long.toString(p.pid()));
            assertTrue(Cmd.waitOrKill(p, 20), "runc did not exit after TERM");
            assertEquals(7, p.exitValue());
        } finally {
            Cmd.kill(p);
        }
    }

    @Test
    void preservedFdsAndListenFdsReachTheContainer() throws IOException {
        Path b = Busybox.bundle(sb.dir, "sh", "-c", "cat /proc/self/fd/3; echo LISTEN_FDS=$LISTEN_FDS");
        Path secret = Files.writeString(sb.dir.resolve("fd3"), "through fd 3\n");
        String script = "exec 3<" + secret + "; exec " + oi + " --oi-env=A=1 --root " + runcRoot
                + " run --preserve-fds 1 --bundle " + b + " fd1";
        Cmd.Result r = Cmd.run(List.of("bash", "-c", script), sb.dir, Map.of(), 60);
        assertEquals(0, r.exit(), r.toString());
        assertEquals("through fd 3\nLISTEN_FDS=\n", r.out());
        // LISTEN_PID must equal the runtime's pid: true only if we exec'd in place.
        String listen = "exec 3<" + secret + "; export LISTEN_FDS=1 LISTEN_PID=$$; exec " + oi
                + " --oi-env=A=1 --root " + runcRoot + " run --bundle " + b + " fd2";
        r = Cmd.run(List.of("bash", "-c", listen), sb.dir, Map.of(), 60);
        assertEquals(0, r.exit(), r.toString());
        assertEquals("through fd 3\nLISTEN_FDS=1\n", r.out());
    }

    @Test
    void badConfigIsOneErrorLineInStderrAndTheJsonLogAndRuncNeverRuns() throws IOException {
        Path b = Busybox.bundle(sb.dir, "true");
        Files.writeString(b.resolve("config.json"), "{\"process\": {\"env\": 5}}");
        Path log = sb.dir.resolve("log.json");
        Path marker = sb.dir.resolve("ran");
        Path fake = Files.writeString(sb.dir.resolve("fake-runtime"), "#!/bin/sh\ntouch " + marker + "\n");
        fake.toFile().setExecutable(true);
        Cmd.Result r = Cmd.run(List.of(oi, "--oi-runtime-path", fake.toString(), "--oi-env=A=1", "--root", runcRoot.toString(),
                "--log", log.toString(), "--log-format", "json", "create", "--bundle", b.toString(), "bad"), sb.dir, Map.of(), 60);
        assertEquals(1, r.exit(), r.toString());
        assertEquals("", r.out());
        assertEquals("oci-interceptor: " + b.resolve("config.json") + ": preset: rule oi-env: process.env: expected an array, found a number\n", r.err());
        String line = Files.readString(log);
        assertTrue(line.startsWith("{\"level\":\"error\",\"msg\":\"" + b.resolve("config.json") + ": preset: rule oi-env: process.env: expected an array"), line);
        assertTrue(line.matches("(?s).*\"time\":\"\\d{4}-\\d\\d-\\d\\dT[^\"]+\"\\}\n"), line);
        assertFalse(Files.exists(marker), "the runtime must not start");
        assertEquals("{\"process\": {\"env\": 5}}", Files.readString(b.resolve("config.json")));
    }
}
