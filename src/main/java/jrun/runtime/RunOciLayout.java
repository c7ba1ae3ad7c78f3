package jrun.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import jrun.JrunException;

/**
 * run_oci's state directory, ROOT/ID (ROOT is /run/containers): beside jrun's own state.json,
 * lock and exec.fifo it holds what Chrome OS tools look at: an empty ".run_oci" tag,
 * "container.pid" (the init's pid and a newline), "mountpoints/container-root" (a link to the
 * rootfs on the host), "root" (a link to /proc/PID/root, the init's view) and, with --log_dir,
 * "log" (a link to the log file, so kill and destroy log to the same file).
 */
public final class RunOciLayout {
    public static final Path DEFAULT_ROOT = Path.of("/run/containers");
    private final Path root;
    private final Path logFile;

    public RunOciLayout(Path root, Path logFile) {
        this.root = root;
        this.logFile = logFile;
    }

    public Path root() {
        return root;
    }

    public Path dir(String id) {
        return root.resolve(ContainerId.validate(id));
    }

    /** At the start of create (the directory was just made): the tag, and the log link. */
    void tag(String id) {
        Path d = dir(id);
        try {
            Files.writeString(d.resolve(".run_oci"), "");
            if (logFile != null) Files.createSymbolicLink(d.resolve("log"), logFile);
        } catch (IOException e) {
            throw new JrunException(d + ": cannot write the run_oci files: " + e.getMessage(), e);
        }
    }

    /** Once the init exists. */
    void created(ContainerState st) {
        Path d = dir(st.id());
        try {
            Files.createDirectories(d.resolve("mountpoints"));
            Files.createSymbolicLink(d.resolve("mountpoints/container-root"), Path.of(st.rootfs()));
            StateStore.writeAtomically(d.resolve("container.pid"), st.pid() + "\n");
            Files.createSymbolicLink(d.resolve("root"), Path.of("/proc/" + st.pid() + "/root"));
        } catch (IOException e) {
            throw new JrunException(d + ": cannot write the run_oci files: " + e.getMessage(), e);
        }
    }

    public boolean exists(String id) {
        return Files.exists(dir(id), LinkOption.NOFOLLOW_LINKS);
    }

    public boolean isRunOci(String id) {
        return Files.isRegularFile(dir(id).resolve(".run_oci"), LinkOption.NOFOLLOW_LINKS);
    }

    /** The log file an earlier start chose with --log_dir, or null. */
    public Path logOf(String id) {
        Path l = dir(id).resolve("log");
        try {
            return Files.isSymbolicLink(l) ? Files.readSymbolicLink(l) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** --sigstop_when_ready: stop this process (the launcher exec'd the JVM, so this is run_oci's pid). */
    static void stopSelf() {
        try {
            Process p = new ProcessBuilder("kill", "-STOP", Long.toString(ProcessHandle.current().pid())).start();
            p.waitFor();
        } catch (IOException e) {
            throw new JrunException("--sigstop_when_ready: cannot raise SIGSTOP: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
