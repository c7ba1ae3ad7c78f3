package jrun.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A containerd of the test's own: root, state, sockets and the opt directory under a private
 * directory, the CRI plugin off, so nothing global is touched and nothing can reach the host's
 * containerd (/run/containerd/containerd.sock). A private dockerd is pointed at it with
 * --containerd, because dockerd with no address joins a system containerd it finds running (in
 * namespace moby, beside the host's Docker). Stopped on close; the owner deletes the directory.
 */
public final class Containerd implements AutoCloseable {
    private final Path dir;
    private final Process process;

    public Containerd(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
        // the shims' sockets go to /run/containerd/s/<sha256 of this address, namespace, id>: no clash
        Files.writeString(dir.resolve("config.toml"), """
                version = 2
                root = "%1$s/root"
                state = "%1$s/state"
                disabled_plugins = ["io.containerd.grpc.v1.cri"]
                [grpc]
                  address = "%1$s/containerd.sock"
                [ttrpc]
                  address = "%1$s/containerd.sock.ttrpc"
                [plugins."io.containerd.internal.v1.opt"]
                  path = "%1$s/opt"
                [plugins."io.containerd.runtime.v1.linux"]
                  runtime_root = "%1$s/runtime-v1"
                """.formatted(dir));
        process = new ProcessBuilder("containerd", "--config", dir.resolve("config.toml").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("containerd.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (ctr("version").exit() != 0) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String log = Files.readString(dir.resolve("containerd.log"));
                close();
                throw new IOException("containerd did not start:\n" + log);
            }
            DockerDaemon.sleep(100);
        }
    }

    public Path socket() {
        return dir.resolve("containerd.sock");
    }

    /** ctr against this containerd (no namespace: ctr's default, or pass -n first). */
    public Cmd.Result ctr(String... args) {
        List<String> argv = new ArrayList<>(List.of("ctr", "-a", socket().toString()));
        argv.addAll(List.of(args));
        return Cmd.run(argv, dir, Map.of(), 60);
    }

    @Override
    public void close() {
        stop(process, socket());
    }

    /**
     * Stops a containerd, then the shims that outlive it while their tasks run: those of this
     * containerd (their command line names its socket), by pid.
     */
    static void stop(Process containerd, Path socket) {
        containerd.destroy();
        try {
            if (!containerd.waitFor(30, TimeUnit.SECONDS)) containerd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String mine = socket.toString();
        ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains(mine)).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
    }
}
