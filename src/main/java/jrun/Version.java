package jrun;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The product version, the git commit it was built from, and the runtime-spec version we implement. */
public final class Version {
    private Version() {}

    public static final String VERSION = "0.1.0";
    public static final String SPEC = "1.2.1";

    /**
     * The git commit of the build (the resource /jrun/commit, written by scripts/write-commit.sh at
     * build time), or "unknown" for a build outside a git checkout. Read only for --version.
     */
    public static String commit() {
        try (InputStream in = Version.class.getResourceAsStream("/jrun/commit")) {
            if (in == null) return "unknown";
            String c = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            return c.isEmpty() ? "unknown" : c;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
