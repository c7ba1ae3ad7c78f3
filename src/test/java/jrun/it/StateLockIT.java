package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import jrun.runtime.ContainerState;
import jrun.runtime.Status;
import jrun.testing.Sandbox;

/**
 * Commands on one container are serialised by an fcntl lock on ROOT/ID/lock: bin/jrun takes it
 * through lib/jrun/libjrun.so (jrun.linux.PosixLock), and must wait while another process holds
 * it the JDK's way (FileChannel.lock(), what jrun did before, and what a Java caller would do).
 */
class StateLockIT extends WithSandbox {

    @Test
    void commandsWaitForTheLockHeldByAnotherProcess() throws Exception {
        Path dir = Files.createDirectories(sb.jrunRoot.resolve("l1"));
        ContainerState st = new ContainerState("l1", Status.STOPPED, 0, 0, sb.dir.toString(), sb.dir.toString(),
                "2026-11-22T00:00:00Z", Map.of(), List.of(), Map.of());
        Files.writeString(dir.resolve("state.json"), st.toJson());
        Process state;
        try (FileChannel ch = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock held = ch.lock()) {
            state = new ProcessBuilder(Sandbox.JRUN.toString(), "--root", sb.jrunRoot.toString(), "state", "l1")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            assertFalse(state.waitFor(1500, TimeUnit.MILLISECONDS), "`jrun state` waits while the lock is held");
        }
        assertTrue(state.waitFor(20, TimeUnit.SECONDS), "and goes on once it is released");
        assertEquals(0, state.exitValue());
        String out = new String(state.getInputStream().readAllBytes());
        assertTrue(out.contains("\"status\": \"stopped\""), out);

        // and delete removes it, lock file and all, once nobody holds the lock
        sb.jrun("delete", "l1").ok();
        assertFalse(Files.exists(dir));
    }
}
