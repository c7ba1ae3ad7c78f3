package jrun.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import jrun.testing.Home;
import jrun.testing.Sandbox;

/** src/test/c/cve-attacker.c, built static once per test run: a container's process attacking its runtime. */
final class CveAttacker {
    private CveAttacker() {}

    private static Path built;

    static synchronized Path binary() throws IOException {
        if (built == null) {
            Path out = Files.createDirectories(Home.dir().resolve("target/it-cve")).resolve("cve-attacker");
            Sandbox.exec(List.of("gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-static", "-o", out.toString(),
                    Home.dir().resolve("src/test/c/cve-attacker.c").toString()), null).ok();
            built = out;
        }
        return built;
    }

    /** What the attacker logged at rootfs/LOG so far ("" before it started). */
    static String log(Path rootfs, String log) throws IOException {
        Path l = rootfs.resolve(log.substring(1));
        return Files.exists(l) ? Files.readString(l) : "";
    }
}
