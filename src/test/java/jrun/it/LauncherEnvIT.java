package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import jrun.testing.Cmd;
import jrun.testing.Home;
import jrun.testing.Sandbox;

/**
 * The caller's environment does not steer the JVM (issue 13, item 5): the launchers drop the
 * JVM's option variables, and JRUN_JAVA is honoured only for a file that, like every directory
 * above it, belongs to root and is writable by no one else.
 */
class LauncherEnvIT extends WithSandbox {
    /** A root-owned 0755 directory outside /tmp (which anyone may write), for files whose owner alone decides. */
    Path safeDir;

    @AfterEach
    void removeSafeDir() throws IOException {
        if (safeDir != null) Sandbox.removeTree(safeDir);
    }

    private Path safeDir() throws IOException {
        // under /run, not the build tree: a checkout may live below /tmp, which the override refuses (1777)
        safeDir = Files.createTempDirectory(Path.of("/run"), "jrun-launcher-env-it-");
        Files.setPosixFilePermissions(safeDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return safeDir;
    }

    @ParameterizedTest
    @ValueSource(strings = {"JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"})
    void theJvmsOptionVariablesDoNotReachIt(String var) throws IOException {
        // A JVM that saw these would fail to start (no such agent) and print its flags on stdout.
        String options = "-javaagent:" + sb.dir.resolve("missing.jar") + " -XX:+PrintFlagsFinal";
        Map<String, String> env = Map.of(var, options);
        Cmd.Result list = Cmd.run(List.of(Sandbox.JRUN.toString(), "--root", sb.jrunRoot.toString(), "list", "-q"), sb.dir, env, 60);
        assertEquals(0, list.exit(), list.toString());
        assertEquals("", list.out());
        assertEquals("", list.err(), "no 'Picked up " + var + "'");

        // oci-interceptor: the JVM does not get it, the runtime it execs still does (it is the caller's).
        Path bundle = Files.createDirectory(sb.dir.resolve("bundle"));
        Files.writeString(bundle.resolve("config.json"), "{\"process\":{\"env\":[]}}");
        Path seen = sb.dir.resolve("runtime-env");
        Path fake = Files.writeString(sb.dir.resolve("fake-runtime"), "#!/bin/sh\nprintenv " + var + " > " + seen + "\n");
        fake.toFile().setExecutable(true);
        Cmd.Result oi = Cmd.run(List.of(Home.bin("oci-interceptor"), "--oi-runtime-path", fake.toString(), "--oi-env=A=1",
                "create", "--bundle", bundle.toString(), "c1"), sb.dir, env, 60);
        assertEquals(0, oi.exit(), oi.toString());
        assertEquals("", oi.out() + oi.err());
        assertTrue(Files.readString(bundle.resolve("config.json")).contains("A=1"), "Java ran and rewrote the config");
        assertEquals(options + "\n", Files.readString(seen));
    }

    @Test
    void jrunJavaNamingAFileAnotherUserCanWriteIsNeverRun() throws Exception {
        Path marker = sb.dir.resolve("PWNED");
        String payload = "#!/bin/sh\ntouch " + marker + "\n";
        // in /tmp, owned by uid 65534, writable by anyone: the attacker's
        Path evil = Files.writeString(sb.dir.resolve("evil"), payload);
        Files.setPosixFilePermissions(evil, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setAttribute(evil, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);
        // outside /tmp: a file of uid 65534, a root file another user may write, a root file in a directory of uid 65534
        Path safe = safeDir();
        Path notRoots = Files.writeString(safe.resolve("not-roots"), payload);
        Files.setPosixFilePermissions(notRoots, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setAttribute(notRoots, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);
        Path groupWritable = Files.writeString(safe.resolve("group-writable"), payload);
        Files.setPosixFilePermissions(groupWritable, PosixFilePermissions.fromString("rwxrwxr-x"));
        Path theirDir = Files.createDirectory(safe.resolve("their-dir"));
        Files.setAttribute(theirDir, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);
        Path inTheirDir = Files.writeString(theirDir.resolve("java"), payload);
        Files.setPosixFilePermissions(inTheirDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path link = Files.createSymbolicLink(safe.resolve("link"), evil); // a safe-looking name resolves to the evil file

        Path bundle = Files.createDirectory(sb.dir.resolve("bundle"));
        Files.writeString(bundle.resolve("config.json"), "{\"process\":{\"env\":[]}}");
        for (Path java : List.of(evil, notRoots, groupWritable, inTheirDir, link)) {
            for (List<String> cmd : List.of(
                    List.of(Sandbox.JRUN.toString(), "--root", sb.jrunRoot.toString(), "list"),
                    List.of(Sandbox.JRUN.toString(), "--root", sb.jrunRoot.toString(), "create", "--bundle", bundle.toString(), "c1"),
                    List.of(Home.bin("oci-interceptor"), "--oi-runtime-path", "/bin/true", "--oi-env=A=1", "create", "--bundle", bundle.toString(), "c1"),
                    List.of(Home.bin("run_oci"), "state", "c1"))) {
                Cmd.Result r = Cmd.run(cmd, sb.dir, Map.of("JRUN_JAVA", java.toString()), 60);
                assertFalse(Files.exists(marker), "JRUN_JAVA=" + java + " ran: " + cmd + "\n" + r);
                assertEquals(127, r.exit(), r.toString());
                assertTrue(r.err().matches("(jrun|oci-interceptor|run_oci): JRUN_JAVA=" + java + " is not used: /\\S* must belong to root and be writable by no one else\n"),
                        r.toString());
            }
        }

        // The development override still works for a file root keeps: it runs, as asked.
        Path rootsOwn = Files.writeString(safe.resolve("roots-own"), payload);
        Files.setPosixFilePermissions(rootsOwn, PosixFilePermissions.fromString("rwxr-xr-x"));
        Cmd.Result r = Cmd.run(List.of(Sandbox.JRUN.toString(), "list"), sb.dir, Map.of("JRUN_JAVA", rootsOwn.toString()), 60);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(Files.exists(marker), "a root-owned JRUN_JAVA in root-owned directories is honoured");
    }
}
