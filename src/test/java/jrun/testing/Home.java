package jrun.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the built tree is (bin/, lib/jrun/): the jrun.home property Maven sets, else the working directory. */
public final class Home {
    private Home() {}

    public static Path dir() {
        return Path.of(System.getProperty("jrun.home", ".")).toAbsolutePath().normalize();
    }

    public static String bin(String name) {
        Path p = dir().resolve("bin").resolve(name);
        if (!Files.isExecutable(p)) throw new AssertionError(p + " is not built: run ./build.sh first");
        return p.toString();
    }
}
