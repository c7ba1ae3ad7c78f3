package jrun.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jrun.JrunException;
import jrun.runtime.ContainerId;
import jrun.runtime.Signals;

/**
 * run_oci's command line: {@code run_oci [options] COMMAND ID [-- EXTRA-ARGS...]}, read the way
 * getopt_long reads it (options anywhere before "--", "--name=value" or "--name value", unique
 * prefixes of long names, "-cPATH", clustered flags like "-us"). Hand-written for the same reason
 * as Args (startup cost of picocli); unlike runc's dialect, option order is free.
 */
public record RunOciArgs(String command, String id, List<String> extraArgs, String containerPath, List<String[]> bindMounts,
        String cgroupParent, boolean useCurrentUser, int signal, String logDir, String logTag, boolean sigstopWhenReady, boolean help) {

    public static final List<String> COMMANDS = List.of("run", "start", "kill", "destroy");

    /** The description the parser, the help and the man page read (Args's form; every flag is --long_name -l). */
    public static final String[] SPEC = {"run_oci", "[OPTIONS] COMMAND ID [-- EXTRA-ARGS...]",
            "run a Chrome OS container from an OCI bundle, on jrun's engine",
            """
            Chrome OS's run_oci command line. Commands:

              run      create and start the container in the foreground; wait for it, run the
                       poststop hooks, clean up, and exit with the container's status
              start    create and start the container and return once the poststart hooks ran,
                       leaving it running; tear it down with kill and destroy
              kill     send --signal to the container's init (the poststop hooks do not run)
              destroy  run the poststop hooks, unmount everything under the container's state
                       directory and remove it; succeeds if it is already gone, fails while the
                       container is still running

            ID may not contain '/'. EXTRA-ARGS are appended to process.args (run and start). Options \
            may appear anywhere before "--", as getopt_long reads them: --name=value or --name value, \
            a unique prefix of a long name, -cPATH, and clustered switches such as -us.

            Environment:

              RUN_OCI_STATE_ROOT     where state directories live (default /run/containers);
                                     for tests and private instances
              RUN_OCI_SYSLOG_SOCKET  the syslog socket for --log_tag (default /dev/log)

            Exit status: the container's for run, 0 on success, 1 on failure, 2 for a bad command line.""",
            "--container_path -c", "PATH", "the bundle (holding config.json); default: the current directory",
            "--bind_mount -b", "SRC:DST", "bind SRC (host) on DST (container), not recursively, creating DST; repeatable (run, start)",
            "--cgroup_parent -p", "NAME", "the cgroup parent when linux.cgroupsPath is empty: the container's cgroup is /NAME/ID (run, start)",
            "--use_current_user -u", "", "a user namespace mapping container uid 0 to the caller's uid and gid 0 to the caller's gid (run, start)",
            "--signal -S", "SIGNAL", "the signal for kill: a name (TERM, SIGTERM) or a number; default TERM",
            "--log_dir -l", "DIR", "log to the file DIR/ID.<timestamp> (DIR is created), with hooks' and the container's stdout and stderr; later commands on ID log to the same file",
            "--log_tag -t", "TAG", "log to syslog with TAG, with the container's stdout and stderr (run, start); ignored with --log_dir",
            "--sigstop_when_ready -s", "", "run: stop run_oci itself with SIGSTOP once the container is ready (for supervisors such as Upstart's \"expect stop\")",
            "--help -h", "", "print this text and exit",
    };

    /** Long name -> short letter, the letters that take a value and those that do not: from SPEC. */
    private static final Map<String, Character> LONG = new java.util.HashMap<>();
    private static final String VALUED, FLAGS;

    static {
        StringBuilder valued = new StringBuilder(), flags = new StringBuilder();
        for (int i = Args.HEAD; i < SPEC.length; i += 3) {
            String[] names = SPEC[i].split(" "); // "--long_name -l"
            char letter = names[1].charAt(1);
            LONG.put(names[0].substring(2), letter);
            (SPEC[i + 1].isEmpty() ? flags : valued).append(letter);
        }
        VALUED = valued.toString();
        FLAGS = flags.toString();
    }

    public static RunOciArgs parse(List<String> argv) {
        List<String> positional = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        List<String[]> binds = new ArrayList<>();
        String container = null, parent = "", logDir = null, logTag = null, signal = "TERM";
        boolean user = false, sigstop = false, help = false, afterDashes = false;
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if (afterDashes) {
                extra.add(a);
                continue;
            }
            if (a.equals("--")) {
                afterDashes = true;
                continue;
            }
            if (!a.startsWith("-") || a.equals("-")) {
                positional.add(a);
                continue;
            }
            List<Object[]> opts = new ArrayList<>(); // {letter, value or null}
            if (a.startsWith("--")) {
                String name = a.substring(2), value = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                char c = longOption(name);
                if (VALUED.indexOf(c) >= 0) {
                    if (value == null) {
                        if (i + 1 >= argv.size()) throw JrunException.usage("option --" + fullName(c) + " needs a value");
                        value = argv.get(++i);
                    }
                } else if (value != null) throw JrunException.usage("option --" + fullName(c) + " takes no value");
                opts.add(new Object[] {c, value});
            } else {
                for (int k = 1; k < a.length(); k++) {
                    char c = a.charAt(k);
                    if (VALUED.indexOf(c) >= 0) {
                        String value = a.substring(k + 1);
                        if (value.isEmpty()) {
                            if (i + 1 >= argv.size()) throw JrunException.usage("option -" + c + " (--" + fullName(c) + ") needs a value");
                            value = argv.get(++i);
                        }
                        opts.add(new Object[] {c, value});
                        break;
                    }
                    if (FLAGS.indexOf(c) < 0) throw JrunException.usage("unknown option -" + c + " (see run_oci --help)");
                    opts.add(new Object[] {c, null});
                }
            }
            for (Object[] o : opts) {
                String v = (String) o[1];
                switch ((char) o[0]) {
                    case 'b' -> binds.add(bind(v));
                    case 'c' -> container = nonEmpty("container_path", v);
                    case 'p' -> parent = v;
                    case 'u' -> user = true;
                    case 'S' -> signal = v;
                    case 'l' -> logDir = nonEmpty("log_dir", v);
                    case 't' -> logTag = v;
                    case 's' -> sigstop = true;
                    case 'h' -> help = true;
                    default -> throw new IllegalStateException();
                }
            }
        }
        if (help) return new RunOciArgs(null, null, List.of(), container, binds, parent, user, 15, logDir, logTag, sigstop, true);
        if (positional.isEmpty()) throw JrunException.usage("a command is required: run, start, kill or destroy (see run_oci --help)");
        String command = positional.get(0);
        if (!COMMANDS.contains(command))
            throw JrunException.usage("unknown command \"" + command + "\": expected run, start, kill or destroy");
        if (positional.size() < 2) throw JrunException.usage(command + ": a container id is required");
        String id = validateId(positional.get(1));
        extra.addAll(0, positional.subList(2, positional.size())); // getopt permutes bare words after ID to the end
        boolean creates = command.equals("run") || command.equals("start");
        if (!creates && !extra.isEmpty()) throw JrunException.usage(command + ": unexpected arguments after the id: " + String.join(" ", extra));
        int sig = parseSignal(signal);
        return new RunOciArgs(command, id, List.copyOf(extra), container, binds, parent, user, sig, logDir, logTag, sigstop, false);
    }

    static String validateId(String id) {
        if (id.contains("/")) throw JrunException.usage("invalid container id \"" + id + "\": it may not contain '/'");
        return ContainerId.validate(id);
    }

    private static int parseSignal(String s) {
        try {
            return Signals.parse(s);
        } catch (JrunException e) {
            throw JrunException.usage("--signal: invalid signal \"" + s + "\" (a name like TERM or SIGKILL, or a number 1-64)");
        }
    }

    private static char longOption(String name) {
        Character exact = LONG.get(name);
        if (exact != null) return exact;
        List<String> matches = LONG.keySet().stream().filter(k -> !name.isEmpty() && k.startsWith(name)).sorted().toList();
        if (matches.size() == 1) return LONG.get(matches.get(0));
        if (matches.size() > 1) throw JrunException.usage("option --" + name + " is ambiguous: --" + String.join(", --", matches));
        throw JrunException.usage("unknown option --" + name + " (see run_oci --help)");
    }

    private static String fullName(char c) {
        return LONG.entrySet().stream().filter(e -> e.getValue() == c).findFirst().orElseThrow().getKey();
    }

    private static String nonEmpty(String option, String v) {
        if (v.isEmpty()) throw JrunException.usage("--" + option + ": empty value");
        return v;
    }

    private static String[] bind(String v) {
        int colon = v.indexOf(':');
        String src = colon < 0 ? "" : v.substring(0, colon), dst = colon < 0 ? "" : v.substring(colon + 1);
        if (src.isEmpty() || dst.isEmpty() || dst.contains(":"))
            throw JrunException.usage("--bind_mount: expected SRC:DST, got \"" + v + "\"");
        if (!dst.startsWith("/")) throw JrunException.usage("--bind_mount: the destination must be absolute, got \"" + dst + "\"");
        return new String[] {src, dst};
    }
}
