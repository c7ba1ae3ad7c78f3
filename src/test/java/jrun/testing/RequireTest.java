package jrun.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequireTest {
    @Test
    void rootIsTheEffectiveUidAsIdSaysIt() {
        assertEquals(Cmd.ok("id", "-u").out().strip().equals("0"), Require.isRoot());
    }

    @Test
    void aMissingPrerequisiteFailsNamingThePackage(@TempDir Path dir) {
        AssertionError e = assertThrows(AssertionError.class, () -> Require.file(dir.resolve("no-such.h"), "linux-libc-dev"));
        assertEquals("needs " + dir.resolve("no-such.h") + ": install the Debian package linux-libc-dev (.ci/run does)", e.getMessage());
        assertThrows(AssertionError.class, () -> Require.executable(dir.resolve("no-such"), "bsdutils"));
        assertThrows(AssertionError.class, () -> Require.executable(dir, "bsdutils"), "a directory is no program");
        assertEquals(Path.of("/bin/sh"), Require.executable(Path.of("/bin/sh"), "dash"));
        assertEquals("needs two CPUs on the host (this kind of machine has it; CI does)",
                assertThrows(AssertionError.class, () -> Require.host(false, "two CPUs")).getMessage());
    }
}
