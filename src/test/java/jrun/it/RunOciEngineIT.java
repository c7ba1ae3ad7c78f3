package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import jrun.testing.Cmd;
import jrun.testing.Sandbox;

/**
 * bin/run_oci through a private jrun engine (docs/engine.md): kill and destroy are served warm
 * (the engine's request count), start falls back to the cold JVM, the messages still reach the
 * container's --log_dir file, and the engine keeps no fd of that file once a request is done.
 */
class RunOciEngineIT {
    private EngineIT.Engine engine;
    private Sandbox sb;
    private Path state;

    @BeforeEach
    void setUp() throws Exception {
        sb = new Sandbox();
        state = sb.dir.resolve("containers");
    }

    @AfterEach
    void tearDown() throws Exception {
        engine = null; // cold, whatever the engine did
        runOci("--signal=KILL", "kill", "w");
        for (int i = 0; i < 100 && runOci("destroy", "w").status() != 0; i++) Thread.sleep(20);
        sb.close();
    }

    private Sandbox.Result runOci(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(RunOciIT.RUN_OCI.toString()));
        cmd.addAll(List.of(args));
        Map<String, String> env = new HashMap<>(Map.of("RUN_OCI_STATE_ROOT", state.toString()));
        env.put("JRUN_ENGINE_SOCKET", engine != null ? engine.socket().toString() : sb.dir.resolve("none/engine.sock").toString());
        return Sandbox.exec(cmd, null, env);
    }

    @Test
    void killAndDestroyAreServedWarm() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        Path logs = sb.dir.resolve("logs");
        try (EngineIT.Engine e = EngineIT.Engine.start(Sandbox.HOME, sb.dir)) {
            engine = e;
            long req = e.count("requests"), fb = e.count("fallbacks");
            runOci("--log_dir=" + logs, "-c", b.toString(), "start", "w").ok();
            assertEquals(req, e.count("requests"), "start is not served warm yet");
            assertEquals(fb + 1, e.count("fallbacks"));
            long pid = Long.parseLong(Files.readString(state.resolve("w/container.pid")).strip());
            runOci("--signal=KILL", "kill", "w").ok();
            RunOciIT.waitDead(pid);
            runOci("destroy", "w").ok();
            assertFalse(Files.exists(state.resolve("w"), LinkOption.NOFOLLOW_LINKS));
            Sandbox.Result gone = runOci("kill", "w");
            assertEquals(1, gone.status());
            assertEquals("run_oci: container w does not exist\n", gone.err());
            assertEquals(req + 3, e.count("requests"), "kill, destroy and the failed kill: warm");

            Path log;
            try (Stream<Path> s = Files.list(logs)) {
                log = s.filter(p -> p.getFileName().toString().startsWith("w.")).findFirst().orElseThrow();
            }
            String text = Files.readString(log);
            assertTrue(text.contains("Sending signal 9 to container w") || text.contains("Sending signal KILL to container w"), text);
            assertTrue(text.contains("Container w destroyed"), text);
            // the engine holds no fd of the log after its requests
            String enginePid = e.status().get("pid");
            String fds = Cmd.run("ls", "-l", "/proc/" + enginePid + "/fd").out();
            assertFalse(fds.contains(log.toString()), fds);
        } finally {
            engine = null;
        }
    }
}
