package jrun.cli;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import jrun.JrunException;

/**
 * run_oci's logging: with --log_dir, every message (and, through System.err, the hooks' output)
 * goes to DIR/ID.<timestamp>; with --log_tag, messages go to syslog under that tag through
 * logger(1) (a JVM cannot write a datagram to /dev/log; RUN_OCI_SYSLOG_SOCKET names another
 * socket). Errors also go to stderr as one line.
 */
final class RunOciLog {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private PrintStream file;
    private final PrintStream stderr = jrun.Invocation.current().err();
    private Path filePath;
    private int fileFd = -1;
    private String tag;
    private Process stdioLogger;
    private Process messages; // logger(1) for run_oci's own messages with --log_tag, started at the first

    /** Opens DIR/ID.<timestamp> (DIR created 0755 if missing) and sends System.err there. */
    Path toDir(Path dir, String id) {
        Path d = dir.toAbsolutePath();
        try {
            if (!Files.isDirectory(d)) Files.createDirectory(d, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
        } catch (IOException e) {
            throw new JrunException("--log_dir: cannot create " + d + ": " + e.getMessage(), e);
        }
        return toFile(d.resolve(id + "." + LocalDateTime.now().format(STAMP)));
    }

    Path toFile(Path f) {
        try {
            FileOutputStream out = new FileOutputStream(f.toFile(), true);
            file = new PrintStream(out, true, StandardCharsets.UTF_8);
            filePath = f;
            fileFd = fdOf(f);
        } catch (IOException e) {
            throw new JrunException("--log_dir: cannot open " + f + ": " + e.getMessage(), e);
        }
        if (!jrun.Invocation.current().warm()) System.setErr(file); // the hooks' output; in the engine, hooks run cold
        return f;
    }

    void toSyslog(String t) {
        this.tag = t;
    }

    /**
     * --log_tag for run and start: the container's stdout and stderr go to syslog too, through a
     * logger(1) reading a pipe. The logger outlives run_oci (it ends when the container's last
     * writer closes). Its pipe's write end in the JVM is found by the pipe's inode, since Java
     * does not expose fd numbers.
     */
    void containerOutputToSyslog() {
        if (tag == null) return;
        if (!Files.exists(Path.of(socket()))) { // a logger that cannot connect would exit, and the container's writes would get SIGPIPE
            stderr.println("run_oci: warning: --log_tag: no syslog socket at " + socket() + "; the container's output stays on run_oci's stdout and stderr");
            return;
        }
        try {
            Process p = new ProcessBuilder(loggerCommand("user.info")).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            stdioLogger = p;
            Path pipe = Files.readSymbolicLink(Path.of("/proc/" + p.pid() + "/fd/0"));
            try (var ds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
                for (Path fd : ds) {
                    try {
                        if (Files.readSymbolicLink(fd).equals(pipe)) fileFd = Integer.parseInt(fd.getFileName().toString());
                    } catch (IOException | NumberFormatException e) {
                        // closed meanwhile
                    }
                }
            }
        } catch (IOException e) {
            throw new JrunException("--log_tag: cannot start logger(1) for the container's output: " + e.getMessage(), e);
        }
        if (fileFd < 0) throw new JrunException("--log_tag: cannot find the pipe to logger(1)");
    }

    private List<String> loggerCommand(String priority) {
        List<String> cmd = new ArrayList<>(List.of("logger", "-t", tag, "--id=" + ProcessHandle.current().pid(), "-p", priority));
        cmd.addAll(List.of("-u", socket()));
        return cmd;
    }

    private static String socket() {
        String sock = jrun.Invocation.current().env("RUN_OCI_SYSLOG_SOCKET");
        return sock != null && !sock.isEmpty() ? sock : "/dev/log";
    }

    /** The JVM's fd number of the open log file (the helper takes it with pidfd_getfd), or -1. */
    int fd() {
        return fileFd;
    }

    Path path() {
        return filePath;
    }

    /** Finds the fd by its /proc/self/fd link: Java does not expose a FileDescriptor's number. */
    private static int fdOf(Path f) throws IOException {
        int found = -1;
        try (var ds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : ds) {
                try {
                    if (Files.readSymbolicLink(p).equals(f.toAbsolutePath())) found = Math.max(found, Integer.parseInt(p.getFileName().toString()));
                } catch (IOException | NumberFormatException e) {
                    // an fd closed meanwhile (the directory stream's own)
                }
            }
        }
        return found;
    }

    void info(String msg) {
        log("INFO", msg);
    }

    /** A warning (an ignored capability, say): into the log or syslog, else onto stderr. */
    void warn(String msg) {
        if (file == null && tag == null) {
            stderr.println("run_oci: warning: " + msg);
            stderr.flush();
        }
        log("WARNING", msg);
    }

    void error(String msg) {
        stderr.println("run_oci: " + msg);
        stderr.flush();
        log("ERROR", msg);
    }

    private void log(String level, String msg) {
        if (file != null) file.println("[" + LocalDateTime.now() + " " + level + " run_oci] " + msg);
        if (tag != null && file == null) {
            // one logger(1) per command, each line with its own priority: <11> user.err, <12> user.warning, <14> user.info
            String pri = level.equals("ERROR") ? "<11>" : level.equals("WARNING") ? "<12>" : "<14>";
            try {
                if (messages == null) {
                    List<String> cmd = loggerCommand("user.info");
                    cmd.add("--prio-prefix");
                    messages = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                }
                OutputStream in = messages.getOutputStream();
                in.write((pri + msg.replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
            } catch (IOException e) {
                // syslog is best effort; errors also went to stderr
            }
        }
    }

    /** Closes the log file: in the engine, which lives on, no fd of a request may stay open. */
    void release() {
        if (file != null) file.close();
    }

    /** Ends the messages' logger and waits for it, so nothing is lost when the JVM exits. */
    void close() {
        if (messages != null) {
            try {
                messages.getOutputStream().close();
                messages.waitFor(2, java.util.concurrent.TimeUnit.SECONDS);
            } catch (IOException e) {
                // it is gone already
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            messages = null;
        }
        if (file != null) file.flush();
        if (stdioLogger != null) { // the container holds its own copies of the pipe now
            try {
                stdioLogger.getOutputStream().close();
            } catch (IOException ignored) {
                // nothing to flush: the JVM never wrote to it
            }
        }
    }
}
