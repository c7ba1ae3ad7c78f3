package jrun.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * podman pointed at private storage, run root and tmp dirs, with the cgroupfs manager and file
 * events, so no global Podman state is touched. Its ulimits fit this host (no CAP_SYS_RESOURCE).
 */
public final class Podman implements AutoCloseable {
    /** A cgroup parent of the tests' own (not /libpod_parent); pass it to every run, remove it with removeCgroups. */
    public static final String CGROUP_PARENT = "/jrun-it-podman-" + ProcessHandle.current().pid();

    private final Path dir;
    private final String runtime;

    public Podman(Path dir, String runtime) {
        this.dir = dir;
        this.runtime = PrivateEngine.on() ? throughTheEngine(dir, runtime) : runtime;
    }

    /**
     * Podman gives its runtime an environment of its own (not the test JVM's), so in the engine's
     * test run (PrivateEngine) the runtime is a wrapper of the same name that sets
     * JRUN_ENGINE_SOCKET and execs it: then jrun and oci-interceptor ask the private engine.
     */
    private static String throughTheEngine(Path dir, String runtime) {
        try {
            Path w = Files.createDirectories(dir.resolve("engine-runtime")).resolve(Path.of(runtime).getFileName());
            Files.writeString(w, "#!/bin/sh\nexport JRUN_ENGINE_SOCKET='" + System.getenv("JRUN_ENGINE_SOCKET") + "'\nexec '" + runtime + "' \"$@\"\n");
            Files.setPosixFilePermissions(w, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            return w.toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public Cmd.Result podman(String... args) {
        List<String> argv = new ArrayList<>(List.of("podman", "--root", dir.resolve("storage").toString(),
                "--runroot", dir.resolve("run").toString(), "--tmpdir", dir.resolve("tmp").toString(),
                "--cgroup-manager=cgroupfs", "--events-backend=file", "--runtime", runtime));
        argv.addAll(List.of(args));
        return Cmd.run(argv, dir, Map.of("XDG_CONFIG_HOME", dir.resolve("config").toString(),
                "CONTAINERS_CONF", dir.resolve("containers.conf").toString()), 120);
    }

    /** `podman run --rm --rootfs ROOTFS` with the ulimits this host allows, plus the given options. */
    public Cmd.Result runRootfs(Path rootfs, List<String> options, String... command) {
        List<String> argv = new ArrayList<>(List.of("run", "--rm", "--ulimit", "nofile=20000:20000",
                "--ulimit", "nproc=8192:8192", "--cgroup-parent", CGROUP_PARENT));
        argv.addAll(options);
        argv.add("--rootfs");
        argv.add(rootfs.toString());
        argv.addAll(List.of(command));
        return podman(argv.toArray(String[]::new));
    }

    @Override
    public void close() throws IOException {
        podman("rm", "-af", "-t", "0");
        Sandbox.removeCgroups(CGROUP_PARENT);
        Sandbox.removeTree(dir);
    }

    public static void writeContainersConf(Path dir) throws IOException {
        Files.writeString(dir.resolve("containers.conf"), "[engine]\nevents_logger = \"file\"\n"
                + "[network]\nnetwork_config_dir = \"" + dir.resolve("networks") + "\"\n");
    }
}
