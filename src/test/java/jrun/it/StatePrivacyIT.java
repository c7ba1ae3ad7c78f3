package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import jrun.testing.Cmd;
import jrun.testing.Sandbox;

/**
 * A container's state is private, in runc's modes (issue 13, item 4): --root 0700 when jrun makes
 * it, ROOT/ID 0711, state.json, the rules-edited config copy (it holds process.env) and the lock
 * 0600, after create and after start rewrites state.json. Checked by trying to read them as uid
 * 65534, with a --root another tool made 0755, where only the files' own modes stand in the way.
 */
class StatePrivacyIT extends WithSandbox {
    static final String SECRET = "DB_PASSWORD=hunter2";

    @Test
    void aRootJrunMakesIsPrivateAndItsContainersDirectoryOnlyTraversable() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        sb.jrun("--oi-env-force", SECRET, "create", "--bundle", b.toString(), "c1").ok();
        assertEquals("rwx------", mode(sb.jrunRoot));
        assertEquals("rwx--x--x", mode(sb.jrunRoot.resolve("c1")));
        assertPrivateFiles(sb.jrunRoot.resolve("c1"));
    }

    @Test
    void uidNobodyCannotReadTheStateOrTheEditedConfigEvenThroughAnOpenRoot() throws Exception {
        Path root = Files.createDirectory(sb.dir.resolve("open-root"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x")); // as another tool might have made it
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        Path pidFile = sb.dir.resolve("init.pid");
        try {
            jrun(root, "--oi-env-force", SECRET, "create", "--bundle", b.toString(), "--pid-file", pidFile.toString(), "c2").ok();
            Path d = root.resolve("c2");
            assertTrue(Files.readString(d.resolve("config.json")).contains(SECRET), "the rules-edited copy holds the env");
            assertPrivateFiles(d);
            assertUnreadableByNobody(d.resolve("state.json"), "\"id\"");
            assertUnreadableByNobody(d.resolve("config.json"), SECRET);
            // the pid file is the caller's, in runc's mode: readable, as containerd and conmon expect
            assertEquals("rw-r--r--", mode(pidFile));

            jrun(root, "start", "c2").ok(); // start rewrites state.json
            assertPrivateFiles(d);
            assertUnreadableByNobody(d.resolve("state.json"), "\"id\"");
            assertUnreadableByNobody(d.resolve("config.json"), SECRET);
            try (var files = Files.list(d)) {
                assertEquals(List.of(), files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList(), "no temp file is left");
            }
        } finally {
            jrun(root, "delete", "--force", "c2");
        }
    }

    /** Every regular file in the container's directory is 0600, state.json and the lock among them. */
    static void assertPrivateFiles(Path d) throws IOException {
        List<String> seen = new ArrayList<>();
        try (var files = Files.list(d)) {
            for (Path f : files.toList()) {
                if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) continue;
                seen.add(f.getFileName().toString());
                assertEquals("rw-------", mode(f), f.toString());
            }
        }
        assertTrue(seen.containsAll(List.of("state.json", "lock")), "checked " + seen);
        assertEquals("rwx--x--x", mode(d));
    }

    static void assertUnreadableByNobody(Path f, String content) {
        Cmd.Result r = Cmd.run("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "cat", f.toString());
        assertNotEquals(0, r.exit(), "uid 65534 read " + f + ": " + r);
        assertTrue(r.err().contains("Permission denied"), r.toString());
        assertFalse(r.out().contains(content), r.toString());
    }

    static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    static Sandbox.Result jrun(Path root, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Sandbox.JRUN.toString(), "--root", root.toString()));
        cmd.addAll(List.of(args));
        return Sandbox.exec(cmd, null);
    }
}
