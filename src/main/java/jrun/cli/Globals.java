package jrun.cli;

import java.nio.file.Path;

import jrun.linux.RealHostFiles;
import jrun.runtime.Lifecycle;
import jrun.runtime.LinuxHardening;
import jrun.runtime.StateStore;

/** The global flags, which come before the command (runc's --root, --log, --log-format, --debug ...). */
final class Globals {
    String root = "/run/jrun";
    String log;
    boolean jsonLog;
    boolean debug;

    /**
     * A warning from jrun.linux (an unknown capability or syscall, ignored as runc does): like
     * runc, into the --log file, never onto stderr, which the container shares; stderr with --debug.
     */
    void warn(String message) {
        if (debug) System.err.println("jrun: warning: " + message);
        if (log != null && jsonLog) ErrorLog.appendJson(log, "warning", message);
        else if (log != null) {
            try {
                java.nio.file.Files.writeString(Path.of(log), "time=\"" + java.time.OffsetDateTime.now() + "\" level=warning msg=\""
                        + message.replace("\"", "\\\"") + "\"\n", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            } catch (java.io.IOException ignored) {
                // a warning is not worth failing for
            }
        }
    }

    jrun.runtime.Exec exec() {
        return new jrun.runtime.Exec(new StateStore(Path.of(root)), LinuxHardening.forHost(this::warn));
    }

    jrun.runtime.Manage manage() {
        jrun.linux.cgroups.CgroupLayout layout = jrun.linux.cgroups.CgroupLayout.detect();
        return new jrun.runtime.Manage(new StateStore(Path.of(root)), new LinuxHardening(jrun.linux.Capabilities.kernelLastCap(), layout, this::warn),
                dirs -> new jrun.runtime.ContainerCgroups(layout, dirs));
    }

    Lifecycle lifecycle() {
        return new Lifecycle(new StateStore(Path.of(root)), new RealHostFiles(), LinuxHardening.forHost(this::warn));
    }
}
