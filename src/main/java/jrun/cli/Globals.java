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

    jrun.runtime.Exec exec() {
        return new jrun.runtime.Exec(new StateStore(Path.of(root)), LinuxHardening.forHost());
    }

    jrun.runtime.Manage manage() {
        jrun.linux.cgroups.CgroupLayout layout = jrun.linux.cgroups.CgroupLayout.detect();
        return new jrun.runtime.Manage(new StateStore(Path.of(root)), new LinuxHardening(jrun.linux.Capabilities.kernelLastCap(), layout),
                dirs -> new jrun.runtime.ContainerCgroups(layout, dirs));
    }

    Lifecycle lifecycle() {
        return new Lifecycle(new StateStore(Path.of(root)), new RealHostFiles(), LinuxHardening.forHost());
    }
}
