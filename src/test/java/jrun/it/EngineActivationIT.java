package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import jrun.testing.Cmd;
import jrun.testing.Sandbox;

/**
 * The engine's service files (contrib/): socket activation as systemd does it, through
 * systemd-socket-activate (systemd's own tool: it listens, and execs `jrun engine run` with the
 * socket as fd 3, LISTEN_FDS=1 and LISTEN_PID at the first connection, which must then be served
 * warm, not wait for itself); and the init script for hosts without systemd, in a private mount
 * namespace whose /run/jrun is a tmpfs (the script uses the default socket).
 */
class EngineActivationIT {
    Sandbox sb;
    Process activator;

    @BeforeEach
    void setUp() throws Exception {
        assertTrue(Sandbox.isRoot(), "integration tests run as root (CI does)");
        sb = new Sandbox("engine-activation-it");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (activator != null) {
            activator.destroyForcibly();
            activator.waitFor();
        }
        sb.close();
    }

    @Test
    void socketActivationServesTheFirstCallWarm() throws Exception {
        Path dir = Files.createDirectories(sb.dir.resolve("sa"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path socket = dir.resolve("engine.sock");
        activator = new ProcessBuilder("systemd-socket-activate", "-l", socket.toString(), "-E", "JRUN_ENGINE_SOCKET=" + socket,
                Sandbox.JRUN.toString(), "engine", "run").redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        for (int i = 0; i < 500 && !Files.exists(socket); i++) Thread.sleep(10);
        assertTrue(Files.exists(socket), "systemd-socket-activate made no socket: " + Files.readString(dir.resolve("log")));
        Map<String, String> env = Map.of("JRUN_ENGINE_SOCKET", socket.toString());
        // the first call starts the engine and is served by it (a hang here is the engine asking itself)
        Cmd.Result f = Cmd.run(List.of(Sandbox.JRUN.toString(), "features"), null, env, 60);
        assertEquals(0, f.exit(), f.toString());
        assertTrue(f.out().contains("\"ociVersionMin\""), f.out());
        Cmd.Result st = Cmd.run(List.of(Sandbox.JRUN.toString(), "engine", "status"), null, env, 60);
        assertEquals(0, st.exit(), st.toString());
        assertTrue(st.out().contains("\nrequests 1\n") && st.out().contains("\nfallbacks 0\n"), st.out());
        // the engine is the activator's own process (it execs), with the socket it was given, and no helper child
        assertTrue(st.out().startsWith("pid " + activator.pid() + "\n"), st.out() + " activator " + activator.pid());
        assertEquals("", activator.children().map(p -> p.pid() + " " + p.info().command().orElse("?")).reduce("", String::concat),
                "the engine has children");
        String log = Files.readString(dir.resolve("log"));
        assertTrue(log.contains("jrun engine: pid " + activator.pid()), log);
        // stop: the process ends; the socket stays the manager's
        assertEquals(0, Cmd.run(List.of(Sandbox.JRUN.toString(), "engine", "stop"), null, env, 60).exit());
        assertTrue(activator.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "the engine did not exit on stop");
        assertTrue(Files.exists(socket));
    }

    @Test
    void initScriptStartsStatusAndStops() throws Exception {
        Path init = sb.dir.resolve("jrun-engine");
        Files.writeString(init, Files.readString(Sandbox.HOME.resolve("contrib/jrun-engine.init")).replace("@BINDIR@", Sandbox.HOME.resolve("bin").toString()));
        Files.setPosixFilePermissions(init, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path log = sb.dir.resolve("engine.log");
        String script = "set -e; mkdir -p /run/jrun; mount -t tmpfs -o mode=0700 tmpfs /run/jrun; I=" + init + "\n"
                + "$I start; $I status >/dev/null; echo status=$?; cat /run/jrun/engine.pid >/dev/null\n"
                + "J=" + Sandbox.JRUN + "; $J features >/dev/null; $J engine status | grep '^requests'\n"
                + "$I stop; set +e; $I status 2>/dev/null; echo after=$?\n";
        Cmd.Result r = Cmd.run(List.of("unshare", "-m", "--propagation", "private", "sh", "-c", script), null, Map.of("JRUN_ENGINE_LOG", log.toString()), 90);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("Starting jrun engine\njrun engine started: pid "), r.out());
        assertTrue(r.out().contains("status=0\nrequests 1\nStopping jrun engine\nstopped "), r.out());
        assertTrue(r.out().endsWith("after=3\n"), r.out());
        assertTrue(Files.readString(log).contains("jrun engine: pid "), Files.readString(log));
    }
}
