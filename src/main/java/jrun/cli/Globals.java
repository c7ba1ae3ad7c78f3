package jrun.cli;

import java.nio.file.Path;

import jrun.linux.RealHostFiles;
import jrun.runtime.Lifecycle;
import jrun.runtime.StateStore;

/** The global flags, which come before the command (runc's --root, --log, --log-format, --debug ...). */
final class Globals {
    String root = "/run/jrun";
    String log;
    boolean jsonLog;
    boolean debug;

    Lifecycle lifecycle() {
        return new Lifecycle(new StateStore(Path.of(root)), new RealHostFiles());
    }
}
