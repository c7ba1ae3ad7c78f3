package jrun.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import jrun.spec.Hook;

class HookRunnerTest {
    static final Path SHIM = Path.of("/opt/jrun/bin/jrun-helper");

    @Test
    void argsZeroIsArgvZeroThroughTheShimOnlyWhenItDiffersFromThePath() {
        assertEquals(List.of("/bin/true"), HookRunner.command(new Hook("/bin/true", List.of(), List.of(), 0, "h"), SHIM));
        assertEquals(List.of("/bin/echo", "a"), HookRunner.command(new Hook("/bin/echo", List.of("/bin/echo", "a"), List.of(), 0, "h"), SHIM));
        assertEquals(List.of(SHIM.toString(), "--exec", "/bin/busybox", "echo", "hi"),
                HookRunner.command(new Hook("/bin/busybox", List.of("echo", "hi"), List.of(), 0, "h"), SHIM));
    }
}
