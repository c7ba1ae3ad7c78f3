package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import jrun.testing.Busybox;
import jrun.testing.Cmd;
import jrun.testing.Home;
import jrun.testing.Podman;
import jrun.testing.Sandbox;

/**
 * oci-interceptor as Podman's --runtime. Podman passes no flags to a runtime it does not know by
 * name, so flags go in an exec'ing wrapper script, as the README recommends.
 */
class OciInterceptorPodmanIT {

    private static Path wrapper(Path dir, String name, String flags) throws IOException {
        Path w = dir.resolve(name);
        Files.writeString(w, "#!/bin/sh\nexec " + Home.bin("oci-interceptor") + " " + flags + " \"$@\"\n");
        w.toFile().setExecutable(true);
        return w;
    }

    @Test
    void readOnlyNetworkingFilesAndEnvUnderPodman() throws IOException {
        assertTrue(Sandbox.isRoot(), "integration tests run as root (CI does)");
        try (Sandbox sb = new Sandbox("oi-podman-it")) {
            Path rootfs = Busybox.rootfs(sb.dir);
            Path w = wrapper(sb.dir, "oi", "--oi-readonly-networking-mounts --oi-env OI_DEFAULT=from-oi --oi-env-force OI_FORCED=forced");
            try (Podman podman = new Podman(Files.createDirectories(sb.dir.resolve("podman")), w.toString())) {
                Podman.writeContainersConf(sb.dir.resolve("podman"));
                Cmd.Result r = podman.runRootfs(rootfs, List.of("--network=none", "-e", "OI_FORCED=user"), "sh", "-c",
                        "echo x >> /etc/hosts && echo WROTE; echo x >> /etc/hostname && echo WROTE; echo D=$OI_DEFAULT F=$OI_FORCED");
                assertEquals(0, r.exit(), r.toString());
                assertEquals("D=from-oi F=forced\n", r.out());
                assertEquals(2, r.err().split("Read-only file system", -1).length - 1, r.toString());

                assertEquals(5, podman.runRootfs(rootfs, List.of("--network=none"), "sh", "-c", "exit 5").exit());

                Path broken = wrapper(sb.dir, "oi-broken", "--oi-env-force NOEQUALS");
                try (Podman bad = new Podman(Files.createDirectories(sb.dir.resolve("podman2")), broken.toString())) {
                    Podman.writeContainersConf(sb.dir.resolve("podman2"));
                    Cmd.Result b = bad.runRootfs(rootfs, List.of("--network=none"), "true");
                    assertNotEquals(0, b.exit());
                    assertTrue(b.err().contains("--oi-env-force NOEQUALS: expected NAME=VALUE"), b.toString());
                }
            }
        }
    }
}
