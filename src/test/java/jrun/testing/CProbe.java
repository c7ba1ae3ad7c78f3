package jrun.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Small C programs a test uses to read a fact itself (src/test/resources/jrun/probes/NAME.c), where
 * Java cannot make the call and the project's own tools are what is under test. Built static with
 * gcc into the test's own directory, so one can also be copied into a rootfs.
 */
public final class CProbe {
    private CProbe() {}

    public static Path build(Path dir, String name) throws IOException {
        Path src = dir.resolve(name + ".c"), bin = dir.resolve(name);
        try (InputStream in = CProbe.class.getResourceAsStream("/jrun/probes/" + name + ".c")) {
            if (in == null) throw new AssertionError("no probe source jrun/probes/" + name + ".c");
            Files.copy(in, src);
        }
        Cmd.Result r = Cmd.run("gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-static", "-o", bin.toString(), src.toString());
        if (r.exit() != 0) throw new AssertionError("gcc " + src + " failed:\n" + r);
        return bin;
    }
}
