package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import jrun.testing.Cmd;
import jrun.testing.DockerDaemon;
import jrun.testing.Home;
import jrun.testing.Sandbox;

/** oci-interceptor registered as a runtime of a real dockerd that this test starts on private paths. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OciInterceptorDockerIT {
    Sandbox sb;
    DockerDaemon dockerd;
    static final String IMAGE = "jrun-busybox:test";

    @BeforeAll
    void startDocker() throws IOException {
        assertTrue(Sandbox.isRoot(), "integration tests run as root (CI does)");
        sb = new Sandbox("oi-docker-it");
        String oi = Home.bin("oci-interceptor");
        java.nio.file.Path rules = Files.writeString(sb.dir.resolve("policy.yaml"), """
                version: 1
                rules:
                  - name: no-privileged
                    when:
                      privileged: true
                    deny: privileged containers are not allowed on this host
                  - name: mark-edited
                    when:
                      hostname: "edited-.*"
                    edits:
                      - env: {force: {MARK: edited-by-rule}}
                      - annotations: {set: {dev.jrun.test: "yes"}}
                      - mount: {destination: /etc/hostname, addOptions: [ro]}
                """);
        java.nio.file.Path broken = Files.writeString(sb.dir.resolve("broken.yaml"), "version: 1\nrules:\n  - name: x\n    when: {hostname: [}\n");
        // "oi" uses runtimeArgs as issue 2 asks; "oi-broken" carries a bad flag on purpose.
        String json = """
                {"runtimes": {
                  "oi": {"path": "%1$s", "runtimeArgs": ["--oi-readonly-networking-mounts", "--oi-env", "OI_DEFAULT=from-oi",
                         "--oi-env", "OI_USER=from-oi", "--oi-env-force=OI_FORCED=forced"]},
                  "oi-broken": {"path": "%1$s", "runtimeArgs": ["--oi-env", "NOEQUALS"]},
                  "oi-rules": {"path": "%1$s", "runtimeArgs": ["--oi-no-default-rules", "--oi-rules", "%2$s"]},
                  "oi-badrules": {"path": "%1$s", "runtimeArgs": ["--oi-no-default-rules", "--oi-rules", "%3$s"]}
                }}""".formatted(oi, rules, broken);
        dockerd = new DockerDaemon(Files.createDirectories(sb.dir.resolve("docker")), json);
        dockerd.importBusybox(IMAGE);
    }

    @AfterAll
    void stopDocker() throws IOException {
        try {
            if (dockerd != null) dockerd.close();
        } finally {
            sb.close();
        }
    }

    @Test
    void networkingFilesAreReadOnlyAndEnvDefaultsApply() {
        Cmd.Result r = dockerd.docker("run", "--rm", "--runtime=oi", "-e", "OI_USER=from-user", "-e", "OI_FORCED=from-user",
                IMAGE, "sh", "-c", "for f in /etc/hosts /etc/hostname /etc/resolv.conf; do echo x >> $f && echo WROTE $f; done;"
                        + " echo D=$OI_DEFAULT U=$OI_USER F=$OI_FORCED");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("D=from-oi U=from-user F=forced\n", r.out());
        assertEquals(3, r.err().split("Read-only file system", -1).length - 1, r.toString());
        // and the same image under plain runc stays writable: the difference is ours
        Cmd.Result plain = dockerd.docker("run", "--rm", "--runtime=runc", IMAGE, "sh", "-c", "echo x >> /etc/hosts && echo WROTE");
        assertEquals("WROTE\n", plain.out(), plain.toString());
    }

    @Test
    void execStopAndTtyWorkThroughIt() {
        String id = dockerd.dockerOk("run", "-d", "--runtime=oi", IMAGE, "sh", "-c", "trap 'exit 0' TERM; while :; do sleep 0.2; done")
                .out().trim();
        // Docker builds an exec's env from its own metadata; the env flags reach it through --process too.
        Cmd.Result ex = dockerd.docker("exec", "-e", "OI_USER=exec-user", id, "sh", "-c", "echo exec-ok $OI_DEFAULT $OI_USER $OI_FORCED");
        assertEquals("exec-ok from-oi exec-user forced\n", ex.out(), ex.toString());
        Cmd.Result exT = dockerd.docker("exec", "-t", id, "tty");
        assertTrue(exT.out().startsWith("/dev/pts/"), exT.toString());
        long t0 = System.nanoTime();
        dockerd.dockerOk("stop", "-t", "10", id);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 8000, "the TERM reached the container (stop took " + ms + " ms)");
        assertEquals("0\n", dockerd.dockerOk("inspect", "-f", "{{.State.ExitCode}}", id).out());
        dockerd.dockerOk("rm", id);

        Cmd.Result tty = dockerd.docker("run", "--rm", "-t", "--runtime=oi", IMAGE, "tty");
        assertEquals(0, tty.exit(), tty.toString());
        assertTrue(tty.out().startsWith("/dev/pts/"), tty.toString());
    }

    @Test
    void exitStatusPassesThrough() {
        assertEquals(3, dockerd.docker("run", "--rm", "--runtime=oi", IMAGE, "sh", "-c", "exit 3").exit());
    }

    @Test
    void ourErrorReachesTheDockerUser() {
        Cmd.Result r = dockerd.docker("run", "--rm", "--runtime=oi-broken", IMAGE, "true");
        assertNotEquals(0, r.exit());
        assertTrue(r.err().contains("--oi-env NOEQUALS: expected NAME=VALUE"), r.toString());
    }

    @Test
    void aDenyRuleStopsDockerRunWithOurMessage() {
        Cmd.Result r = dockerd.docker("run", "--rm", "--runtime=oi-rules", "--privileged", IMAGE, "true");
        assertNotEquals(0, r.exit());
        assertTrue(r.err().contains("privileged containers are not allowed on this host"), r.toString());
        // the same image without --privileged runs
        assertEquals(0, dockerd.docker("run", "--rm", "--runtime=oi-rules", IMAGE, "true").exit());
    }

    @Test
    void anEditRuleIsVisibleInsideTheContainer() {
        Cmd.Result r = dockerd.docker("run", "--rm", "--runtime=oi-rules", "--hostname", "edited-1", IMAGE, "sh", "-c",
                "echo $MARK; echo x >> /etc/hostname && echo WROTE");
        assertEquals("edited-by-rule\n", r.out(), r.toString());
        assertTrue(r.err().contains("Read-only file system"), r.toString());
        Cmd.Result other = dockerd.docker("run", "--rm", "--runtime=oi-rules", "--hostname", "plain", IMAGE, "sh", "-c", "echo [$MARK]");
        assertEquals("[]\n", other.out(), other.toString());
    }

    @Test
    void aBrokenRuleFileFailsClosedNamingFileLineColumn() {
        Cmd.Result r = dockerd.docker("run", "--rm", "--runtime=oi-badrules", IMAGE, "true");
        assertNotEquals(0, r.exit());
        assertTrue(r.err().contains(sb.dir.resolve("broken.yaml") + ":4:"), r.toString());
    }
}
