package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import jrun.testing.Sandbox;

/**
 * bin/jrun forks jrun-helper while the JVM starts, and Java takes it over; JRUN_NO_PREFORK=1
 * makes Java spawn it. Both must run a container the same way. Which helper ran is told by its
 * argv[0]: the launcher names it through lib/jrun/../../bin, Java through the jar's directory.
 */
class LauncherPreforkIT extends WithSandbox {

    /** Runs `sleep 30` in the foreground, finds the helper waiting for it, then kills the container. */
    String helperArgv0(boolean prefork) throws Exception {
        Path b = sb.bundle("b" + prefork, c -> Sandbox.args(c, "sleep", "30"));
        String id = "p" + prefork;
        ProcessBuilder pb = new ProcessBuilder(Sandbox.JRUN.toString(), "--root", sb.jrunRoot.toString(), "run", "--bundle", b.toString(), id)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(sb.dir.resolve("run" + prefork + ".err").toFile());
        if (!prefork) pb.environment().put("JRUN_NO_PREFORK", "1");
        Process run = pb.start();
        try {
            String argv0 = null;
            for (int i = 0; i < 200 && argv0 == null; i++) {
                for (ProcessHandle child : run.toHandle().children().toList()) {
                    String cmd = new String(Files.readAllBytes(Path.of("/proc/" + child.pid() + "/cmdline")));
                    if (cmd.contains("jrun-helper")) argv0 = cmd.split("\0")[0];
                }
                if (argv0 == null || !Files.exists(sb.jrunRoot.resolve(id).resolve("state.json"))) {
                    argv0 = null;
                    Thread.sleep(50);
                }
            }
            if (argv0 == null) { // what jrun said, and what its process was doing
                String err = Files.readString(sb.dir.resolve("run" + prefork + ".err"));
                String stack = run.isAlive() ? Sandbox.exec(List.of("sh", "-c", "cat /proc/" + run.pid() + "/task/*/wchan; echo; ls /proc/" + run.pid() + "/task"), null).out() : "exited " + run.exitValue();
                org.junit.jupiter.api.Assertions.fail("the helper of `jrun run` waits for the container; stderr: " + err + "; " + stack
                        + "; state: " + Files.exists(sb.jrunRoot.resolve(id).resolve("state.json")));
            }
            Thread.sleep(300); // until the container runs
            sb.jrun("kill", id, "KILL").ok();
            assertTrue(run.waitFor(20, TimeUnit.SECONDS));
            assertEquals(137, run.exitValue(), "jrun run exits with the container's status");
            assertFalse(Files.exists(sb.jrunRoot.resolve(id)), "state removed");
            return argv0;
        } finally {
            run.destroyForcibly();
        }
    }

    @Test
    void theLaunchersHelperRunsTheContainer() throws Exception {
        assertTrue(helperArgv0(true).endsWith("lib/jrun/../../bin/jrun-helper"), "the launcher's helper was used");
    }

    @Test
    void withoutPreforkJavaSpawnsTheHelper() throws Exception {
        String argv0 = helperArgv0(false);
        assertFalse(argv0.contains("lib/jrun/.."), argv0);
        assertTrue(argv0.endsWith("/bin/jrun-helper"), argv0);
    }
}
