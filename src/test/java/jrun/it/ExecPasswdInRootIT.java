package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import jrun.testing.Sandbox;

/**
 * jrun reads the container's /etc/passwd for a process without HOME (as runc does): at create
 * from the bundle's rootfs, at exec through the init's /proc/PID/root. A container whose
 * /etc/passwd is a symlink to an absolute host path must never make jrun read that host file:
 * a uid that only the host file names must get HOME=/ (no entry), never the host file's home.
 * The racing case swaps /etc/passwd between the container's own file and such a symlink while
 * execs run (a resolver that checks, then opens by path, reads the host file within a few).
 */
class ExecPasswdInRootIT extends WithSandbox {
    static final String HOST_HOME = "/host-only-home-5e1f";
    Path hostPasswd;

    @BeforeEach
    void hostFile() throws Exception {
        hostPasswd = Files.writeString(sb.dir.resolve("host-passwd"), "hostonly:x:4242:4242:on the host only:" + HOST_HOME + ":/bin/sh\n");
    }

    /** A bundle running args as uid 4242, whose /etc/passwd is a symlink to the host file. */
    Path bundle(String name, String... args) throws Exception {
        Path b = sb.bundle(name, c -> {
            Sandbox.args(c, args);
            Sandbox.process(c).put("user", jrun.spec.Json.parse("{\"uid\": 4242, \"gid\": 4242}"));
        });
        Files.createSymbolicLink(b.resolve("rootfs/etc/passwd"), hostPasswd);
        return b;
    }

    @Test
    void aSymlinkToAHostFileIsResolvedInsideTheRootfs() throws Exception {
        Path b = bundle("b1", "sh", "-c", "echo $HOME");
        assertEquals("/\n", sb.jrun("run", "--bundle", b.toString(), "r1").ok().out(), "create read the host's file");
        Path c = bundle("b2", "sleep", "1000");
        sb.jrun("run", "--detach", "--bundle", c.toString(), "r2").ok();
        assertEquals("/\n", sb.jrun("exec", "r2", "sh", "-c", "echo $HOME").ok().out(), "exec read the host's file");
    }

    @Test
    void aRacingSwapNeverLetsExecReadTheHostFile() throws Exception {
        Path b = bundle("b3", "sleep", "1000");
        Path etc = b.resolve("rootfs/etc");
        // passwd.alt: the container's own file, swapped with the symlink to the host file
        Files.writeString(etc.resolve("passwd.alt"), "hostonly:x:4242:4242:in the container:/container-home:/bin/sh\n");
        Files.copy(CveAttacker.binary(), b.resolve("rootfs/attacker"));
        sb.jrun("run", "--detach", "--bundle", b.toString(), "r3").ok();
        sb.jrun("exec", "-d", "--user", "0:0", "r3", "/attacker", "flip", "/tmp/flip.log", "/etc/passwd", "120").ok();
        List<String> homes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String home = sb.jrun("exec", "r3", "sh", "-c", "echo $HOME").ok().out().strip();
            homes.add(home);
            assertFalse(home.equals(HOST_HOME), "exec " + i + " read the host's file: " + homes);
        }
        assertTrue(CveAttacker.log(b.resolve("rootfs"), "/tmp/flip.log").contains("attempt: swap"), "the swapper ran");
        // both sides of the swap were read: the race was really run
        assertTrue(homes.contains("/container-home") && homes.contains("/"), "exec saw both the file and the symlink: " + homes);
    }
}
