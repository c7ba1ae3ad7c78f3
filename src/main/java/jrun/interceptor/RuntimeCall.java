package jrun.interceptor;

import java.util.List;
import java.util.Set;

/**
 * What a runc-style command line asks for, as far as the interceptor cares: the subcommand, the
 * bundle, the container ID, and where errors should be logged. Parsing never fails: an argv we
 * do not understand is simply not intercepted and goes to the runtime as it is.
 */
public record RuntimeCall(String subcommand, String bundle, String containerId, String logFile, String logFormat,
        String processFile) {

    /** Global flags of runc, crun and youki that take a value (also accepted with one dash). */
    private static final Set<String> GLOBAL_VALUE_FLAGS = Set.of(
            "root", "log", "log-format", "criu", "rootless", "log-level", "cgroup-manager");

    /** Flags of create/run/restore that take a value. Any other flag is taken as boolean. */
    private static final Set<String> COMMAND_VALUE_FLAGS = Set.of(
            "bundle", "b", "console-socket", "pid-file", "preserve-fds", "image-path", "work-path",
            "parent-path", "page-server", "manage-cgroups-mode", "empty-ns", "lsm-profile",
            "lsm-mount-context", "status-fd", "auto-dedup", "criu", "exec-time", "process", "p", "cwd",
            "env", "e", "user", "u", "additional-gids", "g", "cap", "c", "apparmor", "process-label", "cgroup");

    public static final Set<String> INTERCEPTED = Set.of("create", "run", "restore");

    public boolean intercepted() {
        return subcommand != null && INTERCEPTED.contains(subcommand);
    }

    public boolean jsonLog() {
        return logFile != null && "json".equals(logFormat);
    }

    public static RuntimeCall parse(List<String> args) {
        String log = null, logFormat = null, sub = null;
        int i = 0;
        for (; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) {
                i++;
                break;
            }
            if (!a.startsWith("-") || a.equals("-")) break;
            Flag f = Flag.of(a);
            if (GLOBAL_VALUE_FLAGS.contains(f.name)) {
                String v = f.value;
                if (v == null && i + 1 < args.size()) v = args.get(++i);
                if (f.name.equals("log")) log = v;
                if (f.name.equals("log-format")) logFormat = v;
            }
        }
        if (i < args.size()) sub = args.get(i++);
        String bundle = null, id = null, process = null;
        boolean flagsDone = false;
        for (; i < args.size(); i++) {
            String a = args.get(i);
            if (!flagsDone && a.equals("--")) {
                flagsDone = true;
                continue;
            }
            if (!flagsDone && a.startsWith("-") && !a.equals("-")) {
                Flag f = Flag.of(a);
                if (COMMAND_VALUE_FLAGS.contains(f.name)) {
                    String v = f.value;
                    if (v == null && i + 1 < args.size()) v = args.get(++i);
                    if (f.name.equals("bundle") || f.name.equals("b")) bundle = v;
                    if (f.name.equals("process") || f.name.equals("p")) process = v;
                }
                continue;
            }
            if (id == null) id = a;
        }
        return new RuntimeCall(sub, bundle, id, log, logFormat, process);
    }

    /**
     * Finds --log and --log-format anywhere before a subcommand-like word, skipping arguments we
     * cannot parse: used when our own flags were malformed, so the error still reaches the log.
     */
    public static RuntimeCall findLog(List<String> args) {
        String log = null, format = null;
        for (int i = 0; i < args.size(); i++) {
            Flag f = args.get(i).startsWith("-") ? Flag.of(args.get(i)) : null;
            if (f == null || !(f.name.equals("log") || f.name.equals("log-format"))) continue;
            String v = f.value != null ? f.value : i + 1 < args.size() ? args.get(++i) : null;
            if (f.name.equals("log")) log = v;
            else format = v;
        }
        return new RuntimeCall(null, null, null, log, format, null);
    }

    /** "--name=value", "-name value" and the like, split into a bare name and an inline value. */
    private record Flag(String name, String value) {
        static Flag of(String a) {
            String s = a.startsWith("--") ? a.substring(2) : a.substring(1);
            int eq = s.indexOf('=');
            return eq < 0 ? new Flag(s, null) : new Flag(s.substring(0, eq), s.substring(eq + 1));
        }
    }
}
