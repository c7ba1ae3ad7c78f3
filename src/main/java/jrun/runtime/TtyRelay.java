package jrun.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import jrun.JrunException;
import jrun.helper.HelperProcess;
import jrun.spec.Spec;

/**
 * The terminal of `jrun run` in the foreground with process.terminal and no --console-socket:
 * runc allocates the pty and relays it to its own stdio. Here bin/jrun-ttyrelay does that (a JVM
 * cannot receive the master over SCM_RIGHTS): it listens on a private socket that jrun passes as
 * the console socket, puts the caller's terminal in raw mode, copies stdin to the pty and the pty
 * to stdout until the container's side hangs up, and restores the terminal.
 */
final class TtyRelay implements AutoCloseable {
    /** How long the relay may take to drain the pty after the container is gone. */
    static final long DRAIN_MS = 5000;
    private static final int SUN_PATH_MAX = 100; // sockaddr_un holds 108 bytes; the relay binds NAME.tmp first

    private final Process process;
    private final Path socket;
    private final Path ownDir; // a private temp dir when the state dir's path is too long, else null

    private TtyRelay(Process process, Path socket, Path ownDir) {
        this.process = process;
        this.socket = socket;
        this.ownDir = ownDir;
    }

    /** Whether an exec needs a relay: in the foreground, a terminal, and no console socket (`runc exec -t ID sh`). */
    static boolean needed(Spec spec, ExecOptions opts) {
        return !opts.detach() && spec.process() != null && spec.process().terminal()
                && (opts.consoleSocket() == null || opts.consoleSocket().isEmpty());
    }

    /** Whether create needs a relay: `run` in the foreground, a terminal, and no console socket. */
    static boolean needed(Spec spec, CreateOptions opts) {
        return opts.foreground() && spec.process() != null && spec.process().terminal()
                && (opts.consoleSocket() == null || opts.consoleSocket().isEmpty());
    }

    /** Starts the relay with a socket in dir (the container's state dir) and waits until it listens. */
    static TtyRelay start(Path dir) {
        return start(dir, "tty.sock");
    }

    /** The same with the socket's name: an exec's own, as several may run at once. */
    static TtyRelay start(Path dir, String name) {
        Path ownDir = null;
        Path socket = dir.resolve(name);
        try {
            if (socket.toString().length() > SUN_PATH_MAX) {
                ownDir = Files.createTempDirectory("jrun-tty", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                socket = ownDir.resolve(name);
            }
        } catch (IOException e) {
            throw new JrunException("cannot allocate a tty: " + e.getMessage(), e);
        }
        Path exe = HelperProcess.locate().resolveSibling("jrun-ttyrelay");
        Process p;
        try {
            p = new ProcessBuilder(exe.toString(), socket.toString()).inheritIO().start();
        } catch (IOException e) {
            throw new JrunException("cannot start " + exe + ": " + e.getMessage(), e);
        }
        TtyRelay r = new TtyRelay(p, socket, ownDir);
        // The relay renames its socket into place once it listens; it takes about a millisecond.
        for (int i = 0; i < 5000 && !Files.exists(socket); i++) {
            if (!p.isAlive()) {
                r.close();
                throw new JrunException("cannot allocate a tty: jrun-ttyrelay exited with status " + p.exitValue());
            }
            CgroupPlacement.sleep(1);
        }
        if (!Files.exists(socket)) {
            r.close();
            throw new JrunException("cannot allocate a tty: jrun-ttyrelay did not listen on " + socket);
        }
        return r;
    }

    /** The create options with this relay's socket as the console socket. */
    CreateOptions options(CreateOptions o) {
        return new CreateOptions(o.bundle(), o.pidFile(), socket.toString(), o.noPivot(), o.noNewKeyring(), o.preserveFds(),
                o.listenFds(), o.foreground());
    }

    /** The exec options with this relay's socket as the console socket. */
    ExecOptions options(ExecOptions o) {
        return new ExecOptions(socket.toString(), o.detach(), o.pidFile(), o.preserveFds(), o.ignorePaused());
    }

    /** After the container is gone: lets the relay copy what is left in the pty, then ends it. */
    void finish() {
        try {
            process.waitFor(DRAIN_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    /** Ends the relay (SIGTERM: it restores the terminal first) and removes what it left. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(2, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(Path.of(socket + ".tmp"));
            if (ownDir != null) Files.deleteIfExists(ownDir);
        } catch (IOException ignored) {
            // the state dir goes with the container
        }
    }
}
