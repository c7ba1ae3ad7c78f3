package jrun.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import jrun.linux.ProcFiles;

/**
 * A test's prerequisites. A missing one fails the test, naming what to install: CI runs as root
 * and installs every package the tests need (.ci/run), so a skip there would hide a test that
 * never ran. The one way to skip is {@link #hostShape}, for what this kind of machine cannot have;
 * every such skip is listed, with its reason, in src/test/resources/allowed-skips.txt, and
 * `./build.sh test` fails on any other.
 */
public final class Require {
    private Require() {}

    /** Whether this process's effective uid is 0, read from /proc/self/status (not user.name, which is only a name). */
    public static boolean isRoot() {
        try {
            for (String line : ProcFiles.read(Path.of("/proc/self/status")).split("\n")) {
                if (line.startsWith("Uid:")) return line.substring(4).strip().split("\\s+")[1].equals("0");
            }
        } catch (IOException e) {
            throw new AssertionError("cannot read /proc/self/status: " + e, e);
        }
        throw new AssertionError("/proc/self/status has no Uid line");
    }

    /** Fails unless this process runs with effective uid 0. */
    public static void root(String why) {
        if (!isRoot()) throw new AssertionError("needs root (effective uid 0; CI runs as root): " + why);
    }

    /** Fails unless file exists, naming the Debian package that provides it. */
    public static Path file(Path file, String debianPackage) {
        if (!Files.exists(file)) throw new AssertionError("needs " + file + ": install the Debian package " + debianPackage + " (.ci/run does)");
        return file;
    }

    /** Fails unless file is an executable, naming the Debian package that provides it. */
    public static Path executable(Path file, String debianPackage) {
        if (!Files.isRegularFile(file) || !Files.isExecutable(file)) throw new AssertionError("needs " + file + ": install the Debian package " + debianPackage + " (.ci/run does)");
        return file;
    }

    /** Fails unless the host has what, as this kind of machine (and CI) does. */
    public static void host(boolean has, String what) {
        if (!has) throw new AssertionError("needs " + what + " on the host (this kind of machine has it; CI does)");
    }

    /**
     * Skips the test when the host is of a shape this kind of machine cannot be at once (a v1-only
     * test on a pure cgroup v2 host). Only for skips listed in src/test/resources/allowed-skips.txt.
     */
    public static void hostShape(boolean fits, String reason) {
        org.junit.jupiter.api.Assumptions.assumeTrue(fits, reason);
    }
}
