package jrun.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A dockerd of the test's own: every path (config, data, exec root, socket, pid file) under a
 * private directory, its own containerd there (never the host's: see {@link Containerd}), no
 * iptables and no bridge, so nothing global is touched. Stopped, unmounted and deleted on close,
 * even when the test failed.
 */
public final class DockerDaemon implements AutoCloseable {
    private final Path dir;
    private final Containerd containerd;
    private final Process process;
    private final String socket;
    /** A cgroup parent of this daemon's own, so no /docker cgroup is left in the host's hierarchies. */
    private final String cgroupParent = "/jrun-it-docker-" + ProcessHandle.current().pid() + "-" + System.nanoTime() % 100000;

    public DockerDaemon(Path dir, String daemonJson) throws IOException {
        this.dir = dir;
        Files.writeString(dir.resolve("daemon.json"), daemonJson);
        socket = "unix://" + dir.resolve("docker.sock");
        containerd = new Containerd(dir.resolve("containerd"));
        Process started;
        try {
            started = new ProcessBuilder("dockerd", "--config-file", dir.resolve("daemon.json").toString(),
                    "--data-root", dir.resolve("data").toString(), "--exec-root", dir.resolve("exec").toString(),
                    "--pidfile", dir.resolve("docker.pid").toString(), "-H", socket, "--containerd", containerd.socket().toString(),
                    "--iptables=false", "--ip-masq=false", "--bridge=none", "--cgroup-parent", cgroupParent)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("dockerd.log").toFile()).start();
        } catch (IOException e) {
            containerd.close();
            throw e;
        }
        process = started;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (docker("version").exit() != 0) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String log = Files.readString(dir.resolve("dockerd.log"));
                close();
                throw new IOException("dockerd did not start:\n" + log);
            }
            sleep(200);
        }
        // the client it dialled is ours (with no --containerd, dockerd would join a system containerd it finds)
        if (!Files.readString(dir.resolve("dockerd.log")).contains("unix://" + containerd.socket())) {
            String log = Files.readString(dir.resolve("dockerd.log"));
            close();
            throw new IOException("dockerd did not connect to its own containerd " + containerd.socket() + ":\n" + log);
        }
    }

    /** The docker client that matches the daemon (Debian's), else whatever is on PATH. */
    private static String client() {
        return new File("/usr/bin/docker").canExecute() ? "/usr/bin/docker" : "docker";
    }

    public Cmd.Result docker(String... args) {
        List<String> argv = new ArrayList<>(List.of(client(), "-H", socket));
        argv.addAll(List.of(args));
        return Cmd.run(argv, dir, Map.of("DOCKER_CONFIG", dir.resolve("client").toString()), 120);
    }

    public Cmd.Result dockerOk(String... args) {
        Cmd.Result r = docker(args);
        if (r.exit() != 0) throw new AssertionError("docker " + List.of(args) + " failed:\n" + r);
        return r;
    }

    /** Imports a busybox-static rootfs as an image (no registry is reachable here). */
    public void importBusybox(String name) throws IOException {
        Path root = Busybox.rootfs(Files.createDirectories(dir.resolve("image")));
        Cmd.Result r = Cmd.run(List.of("sh", "-c", "tar -C " + root + " -c . | " + client() + " -H " + socket + " import - " + name),
                dir, Map.of("DOCKER_CONFIG", dir.resolve("client").toString()), 120);
        if (r.exit() != 0) throw new AssertionError("docker import failed: " + r);
    }

    public Path dir() {
        return dir;
    }

    public Containerd containerd() {
        return containerd;
    }

    public String log() throws IOException {
        return Files.readString(dir.resolve("dockerd.log"));
    }

    @Override
    public void close() throws IOException {
        try {
            if (process.isAlive()) {
                String ids = docker("ps", "-aq").out().trim();
                if (!ids.isEmpty()) {
                    List<String> rm = new ArrayList<>(List.of("rm", "-f"));
                    rm.addAll(List.of(ids.split("\\s+")));
                    docker(rm.toArray(String[]::new));
                }
            }
        } finally {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            containerd.close(); // and its shims
            sleep(300);
            Sandbox.removeCgroups(cgroupParent);
            Sandbox.removeTree(dir);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
