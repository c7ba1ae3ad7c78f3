package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import jrun.testing.Busybox;
import jrun.testing.Cmd;
import jrun.testing.Require;
import jrun.testing.Sandbox;
import jrun.testing.TestUser;

/**
 * Rootless Podman with jrun as its runtime (--runtime bin/jrun), as a real unprivileged user
 * with subordinate ids, compared with runc under the same user: run, exec, stop, rm, -it and a
 * failing create. Podman gets private storage, run root, tmp and config dirs in the user's home
 * (vfs storage, no network), so nothing of the host's Podman is touched.
 */
class RootlessPodmanIT {
    static TestUser user;
    static Path rootfs;
    static final List<String> RUNTIMES = List.of("runc", Sandbox.JRUN.toString());

    @BeforeAll
    static void setUp() throws Exception {
        Require.executable(Path.of("/usr/bin/podman"), "podman");
        Require.executable(Path.of("/usr/bin/script"), "bsdutils");
        user = TestUser.create();
        Path dir = user.dir("podman");
        rootfs = Busybox.rootfs(dir);
        Files.writeString(dir.resolve("containers.conf"), "[engine]\nevents_logger = \"file\"\n[network]\nnetwork_config_dir = \""
                + dir.resolve("networks") + "\"\n");
        user.own(dir);
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (user != null) user.close(); // kills what podman left (its pause process), removes its storage with the home
    }

    static List<String> podmanArgv(String runtime, String... args) {
        Path d = user.home.resolve("podman");
        String rt = runtime.equals("runc") ? "/usr/sbin/runc" : runtime;
        List<String> argv = new ArrayList<>(List.of("podman", "--root", d.resolve("storage").toString(), "--runroot", d.resolve("runroot").toString(),
                "--tmpdir", d.resolve("tmp").toString(), "--cgroup-manager=cgroupfs", "--events-backend=file", "--storage-driver", "vfs",
                "--runtime", rt));
        argv.addAll(List.of(args));
        return argv;
    }

    static Map<String, String> env() {
        Path d = user.home.resolve("podman");
        return Map.of("XDG_CONFIG_HOME", d.resolve("config").toString(), "CONTAINERS_CONF", d.resolve("containers.conf").toString(), "TERM", "xterm");
    }

    static Cmd.Result podman(String runtime, String... args) {
        Cmd.Result r = Cmd.run(user.argv(env(), podmanArgv(runtime, args)), user.home, Map.of(), 120);
        return new Cmd.Result(r.exit(), r.out(), quiet(r.err()));
    }

    /** stderr without Podman's warning about this host's private / (the same for every runtime). */
    static String quiet(String err) {
        return err.lines().filter(l -> !l.contains("is not a shared mount")).map(l -> l + "\n").collect(Collectors.joining());
    }

    static String name(String runtime, String what) {
        return what + "-" + (runtime.equals("runc") ? "runc" : "jrun");
    }

    @Test
    void runAsTheUsersRootWithItsSubordinateIds() {
        for (String rt : RUNTIMES) {
            Cmd.Result r = podman(rt, "run", "--rm", "--network", "none", "--rootfs", rootfs.toString(),
                    "sh", "-c", "id -u; cat /proc/self/uid_map; echo to-err >&2; exit 5");
            assertEquals(5, r.exit(), rt + ": " + r);
            List<String> lines = r.out().lines().toList();
            assertEquals("0", lines.get(0), rt);
            assertEquals(List.of("0", Integer.toString(user.uid), "1"), List.of(lines.get(1).trim().split("\\s+")), rt + ": the user is root");
            assertEquals(List.of("1", Long.toString(user.subStart), Long.toString(TestUser.SUB_SIZE)), List.of(lines.get(2).trim().split("\\s+")),
                    rt + ": and its subordinate ids the rest");
            assertEquals("to-err\n", r.err(), rt);
        }
    }

    @Test
    void detachedExecStopRm() {
        for (String rt : RUNTIMES) {
            String n = name(rt, "d");
            Cmd.Result r = podman(rt, "run", "-d", "--name", n, "--network", "none", "--rootfs", rootfs.toString(), "sleep", "1000");
            assertEquals(0, r.exit(), rt + ": " + r);
            Cmd.Result e = podman(rt, "exec", n, "sh", "-c", "echo exec-ok; id -u; exit 7");
            assertEquals(7, e.exit(), rt + ": " + e);
            assertEquals("exec-ok\n0\n", e.out(), rt);
            Cmd.Result s = podman(rt, "stop", "-t", "1", n);
            assertEquals(0, s.exit(), rt + ": " + s);
            String status = podman(rt, "ps", "-a", "--filter", "name=" + n, "--format", "{{.Status}}").out();
            assertTrue(status.startsWith("Exited (137)"), rt + ": sleep as pid 1 ignores SIGTERM, so stop kills it: " + status);
            assertEquals(0, podman(rt, "rm", n).exit(), rt);
            assertEquals("", podman(rt, "ps", "-a", "--filter", "name=" + n, "--format", "{{.Names}}").out(), rt);
        }
    }

    @Test
    void interactiveWithATerminal() {
        for (String rt : RUNTIMES) {
            String cmd = String.join(" ", podmanArgv(rt, "run", "--rm", "-it", "--network", "none", "--rootfs", rootfs.toString(),
                    "sh", "-c", "'tty; echo typed; sleep 0.5; exit 6'"));
            // the sleep: a container gone at once may leave its last output unrelayed (seen with runc too)
            Cmd.Result r = Cmd.run(user.argv(env(), List.of("script", "-qec", cmd, "/dev/null")), user.home, Map.of(), 120);
            assertEquals(6, r.exit(), rt + ": " + r);
            assertTrue(r.out().contains("/dev/pts/0"), rt + ": " + r);
            assertTrue(r.out().contains("typed"), rt + ": " + r);
        }
    }

    @Test
    void aFailingCreateIsReportedAndLeavesNothing() {
        for (String rt : RUNTIMES) {
            String n = name(rt, "f");
            Cmd.Result r = podman(rt, "run", "--rm", "--name", n, "--network", "none", "--rootfs", rootfs.toString(), "/no/such/program");
            assertEquals(127, r.exit(), rt + ": " + r);
            assertTrue(r.err().contains("/no/such/program") && r.err().contains("OCI runtime attempted to invoke a command that was not found"), rt + ": " + r);
            assertEquals("", podman(rt, "ps", "-a", "--filter", "name=" + n, "--format", "{{.Names}}").out(), rt);
        }
        assertTrue(!Files.exists(user.runtimeDir.resolve("jrun")) || user.runtimeDir.resolve("jrun").toFile().list().length <= 1,
                "jrun's state root in $XDG_RUNTIME_DIR holds no container");
    }
}
