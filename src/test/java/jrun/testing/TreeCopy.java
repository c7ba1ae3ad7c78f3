package jrun.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A copy of the built tree (bin/ and lib/jrun/) for tests that attack jrun's own files: an attack
 * that works overwrites the copy, never the build that the other tests run.
 */
public final class TreeCopy {
    public final Path home;
    public final Path jrun;
    public final Path helper;

    private TreeCopy(Path home) {
        this.home = home;
        this.jrun = home.resolve("bin/jrun");
        this.helper = home.resolve("bin/jrun-helper");
    }

    /** Copies HOME's bin/ and lib/jrun/ to dir (made here), keeping modes and times (the AOT caches check them). */
    public static TreeCopy of(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("lib"));
        Cmd.Result bin = Cmd.run(List.of("cp", "-a", Home.dir().resolve("bin").toString(), dir.resolve("bin").toString()));
        Cmd.Result lib = Cmd.run(List.of("cp", "-a", Home.dir().resolve("lib/jrun").toString(), dir.resolve("lib/jrun").toString()));
        if (bin.exit() != 0 || lib.exit() != 0) throw new IOException("cannot copy the built tree: " + bin + lib);
        return new TreeCopy(dir);
    }

    public static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
