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
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import jrun.testing.Cmd;
import jrun.testing.Home;

/**
 * oci-interceptor run by root on a bundle a less privileged user owns (issue 13, item 2): the
 * bundle's owner may edit its own config, but never make root chown, chmod or write another file.
 */
class InterceptorBundleOwnerIT extends WithSandbox {
    static final int NOBODY = 65534;
    static final String CONFIG = "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"true\"],\"env\":[\"PATH=/bin\"],\"cwd\":\"/\"},"
            + "\"root\":{\"path\":\"rootfs\"},\"hostname\":\"h\"}\n";

    /**
     * The attacker, uid 65534, owner of the bundle: on each temp file oci-interceptor makes there
     * (inotify tells it at once), it renames a symlink to the victim over it, then notes the swap
     * in the marker. The old code then chmod'ed and chown'ed the temp file by path: the victim.
     */
    static final String ATTACKER = """
            #include <stdio.h>
            #include <string.h>
            #include <unistd.h>
            #include <sys/inotify.h>
            int main(int argc, char **argv) {
                if (argc != 4 || chdir(argv[1]) != 0) return 2;
                int in = inotify_init1(0);
                if (in < 0 || inotify_add_watch(in, ".", IN_CREATE) < 0) return 3;
                FILE *marker = fopen(argv[3], "a");
                if (!marker) return 4;
                fprintf(marker, "ready\\n");
                fflush(marker);
                char buf[8192] __attribute__((aligned(8)));
                for (;;) {
                    ssize_t n = read(in, buf, sizeof buf);
                    if (n <= 0) return 5;
                    for (char *p = buf; p < buf + n;) {
                        struct inotify_event *e = (struct inotify_event *)p;
                        p += sizeof *e + e->len;
                        size_t l = e->len ? strlen(e->name) : 0;
                        if (l < 4 || strncmp(e->name, ".config.json", 12) != 0 || strcmp(e->name + l - 4, ".tmp") != 0) continue;
                        unlink(".evil");
                        if (symlink(argv[2], ".evil") == 0 && rename(".evil", e->name) == 0) {
                            fprintf(marker, "swapped %s\\n", e->name);
                            fflush(marker);
                        }
                    }
                }
            }
            """;

    @Test
    void theBundlesOwnerCannotMakeRootChownOrChmodAnotherFile() throws Exception {
        Path bundle = Files.createDirectory(sb.dir.resolve("bundle"));
        Path victim = Files.writeString(sb.dir.resolve("victim"), "root's secret\n");
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-------"));
        Path marker = bundle.resolve("marker");
        Path src = Files.writeString(sb.dir.resolve("attacker.c"), ATTACKER);
        Path attacker = sb.dir.resolve("attacker");
        Cmd.Result cc = Cmd.run("gcc", "-O2", "-o", attacker.toString(), src.toString());
        assertEquals(0, cc.exit(), cc.toString());
        chown(bundle);
        Path config = bundle.resolve("config.json");
        String oi = Home.bin("oci-interceptor");
        Process p = new ProcessBuilder("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                attacker.toString(), bundle.toString(), victim.toString(), marker.toString())
                .redirectErrorStream(true).redirectOutput(sb.dir.resolve("attacker.out").toFile()).start();
        int written = 0;
        try {
            for (int i = 0; i < 100 && !Files.exists(marker); i++) Thread.sleep(20);
            assertTrue(Files.exists(marker), "the attacker did not start: " + read(sb.dir.resolve("attacker.out")));
            for (int round = 0; round < 120; round++) {
                // As the bundle's owner leaves it: a regular config.json of its own (a swapped one is a symlink now).
                Files.deleteIfExists(config);
                Files.writeString(config, CONFIG);
                chown(config);
                Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
                Cmd.Result r = Cmd.run(List.of(oi, "--oi-runtime-path", "/bin/true", "--oi-env-force=ROUND=" + round,
                        "create", "--bundle", bundle.toString(), "c" + round), sb.dir, Map.of(), 60);
                assertTrue(r.exit() == 0 || r.err().lines().count() == 1 && r.err().contains(config + ":"),
                        "either rewritten or one error line naming config.json: " + r);
                assertFalse(r.err().contains("Exception"), r.toString());
                if (r.exit() == 0) written++;
                assertEquals("root's secret\n", Files.readString(victim));
                assertEquals(0, (int) Files.getAttribute(victim, "unix:uid", LinkOption.NOFOLLOW_LINKS), "victim's owner, round " + round);
                assertEquals(0, (int) Files.getAttribute(victim, "unix:gid", LinkOption.NOFOLLOW_LINKS), "victim's group, round " + round);
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(victim, LinkOption.NOFOLLOW_LINKS)),
                        "victim's mode, round " + round);
            }
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        String log = read(marker);
        long swaps = log.lines().filter(l -> l.startsWith("swapped")).count();
        System.out.println("InterceptorBundleOwnerIT: " + swaps + " temp files swapped for a symlink in 120 rounds, " + written + " rewrites went through");
        assertTrue(swaps > 0, "the attacker never swapped a temp file, so nothing was tried: " + log);
        // On a quiet machine the attacker's inotify can win every round; with it gone, the same rewrite goes through.
        Files.deleteIfExists(config);
        Files.writeString(config, CONFIG);
        chown(config);
        Cmd.Result last = Cmd.run(List.of(oi, "--oi-runtime-path", "/bin/true", "--oi-env-force=ROUND=last",
                "create", "--bundle", bundle.toString(), "c-last"), sb.dir, Map.of(), 60);
        assertEquals(0, last.exit(), "unraced, the rewrite goes through: " + last);
        assertTrue(Files.readString(config).contains("ROUND=last"), "config.json rewritten");
        assertEquals(NOBODY, (int) Files.getAttribute(config, "unix:uid", LinkOption.NOFOLLOW_LINKS), "the rewritten config keeps its owner");
    }

    @Test
    void aSymlinkedConfigIsRefusedWithOneLineNamingItAndItsTargetIsUntouched() throws IOException {
        Path bundle = Files.createDirectory(sb.dir.resolve("bundle"));
        Path target = Files.writeString(sb.dir.resolve("elsewhere.json"), CONFIG);
        Files.createSymbolicLink(bundle.resolve("config.json"), target);
        Path ran = sb.dir.resolve("ran");
        Path fake = Files.writeString(sb.dir.resolve("fake-runtime"), "#!/bin/sh\ntouch " + ran + "\n");
        fake.toFile().setExecutable(true);
        Cmd.Result r = Cmd.run(List.of(Home.bin("oci-interceptor"), "--oi-runtime-path", fake.toString(), "--oi-env=A=1",
                "create", "--bundle", bundle.toString(), "c1"), sb.dir, Map.of(), 60);
        assertEquals(1, r.exit(), r.toString());
        assertEquals("oci-interceptor: " + bundle.resolve("config.json") + ": is a symbolic link, which is not followed here: put the file itself in its place\n",
                r.err());
        assertFalse(Files.exists(ran), "the runtime must not start");
        assertTrue(Files.isSymbolicLink(bundle.resolve("config.json")));
        assertEquals(CONFIG, Files.readString(target));
    }

    @Test
    void aBundleThatIsASymlinkIsRefused() throws IOException {
        Path real = Files.createDirectory(sb.dir.resolve("real"));
        Files.writeString(real.resolve("config.json"), CONFIG);
        Path link = Files.createSymbolicLink(sb.dir.resolve("bundle"), real);
        Cmd.Result r = Cmd.run(List.of(Home.bin("oci-interceptor"), "--oi-runtime-path", "/bin/true", "--oi-env=A=1",
                "create", "--bundle", link.toString(), "c1"), sb.dir, Map.of(), 60);
        assertEquals(1, r.exit(), r.toString());
        assertEquals("oci-interceptor: " + link + ": cannot open the directory: not a directory (a symlink is not followed here)\n", r.err());
        assertEquals(CONFIG, Files.readString(real.resolve("config.json")));
    }

    static void chown(Path p) throws IOException {
        Files.setAttribute(p, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", NOBODY, LinkOption.NOFOLLOW_LINKS);
    }

    static String read(Path p) throws IOException {
        return Files.exists(p) ? Files.readString(p) : "";
    }
}
