package jrun.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;

import jrun.JrunException;
import jrun.Version;

/**
 * Entry point of bin/jrun: runc's command line. Global flags, then one command; each command
 * class holds only its options and calls one jrun.runtime method. Errors are one line on
 * stderr (and a JSON line in --log with --log-format json); a stack trace only with --debug.
 */
public final class JrunMain {
    private JrunMain() {}

    /** jrun's own description (see Args): its global flags. */
    static final String[] SPEC = {"jrun", "[global flags] COMMAND [flags] [ARGS...]", "an OCI container runtime with runc's command line",
            """
            jrun runs containers from OCI bundles (a directory with config.json and a root filesystem) \
            and speaks runc's command line, so Docker, Podman and containerd call it as they call runc. \
            Java plans each container; a small C helper (jrun-helper) makes the namespaces and mounts and \
            executes the plan.

            A container's life: "jrun create ID" sets it up with its process waiting, "jrun start ID" lets \
            the process run, "jrun delete ID" removes it; "jrun run ID" does create and start at once. \
            Errors are one line on stderr (and in --log) and a non-zero status: 2 for a bad command line.

            Rules flags (--rules, --oi-*) apply oci-interceptor's rule engine to config.json in-process at \
            create and run; see oci-interceptor(8).""",
            "--root", "DIR", "where container state is kept (default /run/jrun; $XDG_RUNTIME_DIR/jrun without root; best on a tmpfs)",
            "--log", "FILE", "also write errors, warnings and --debug lines to FILE",
            "--log-format", "FORMAT", "the --log format: text or json (default text)",
            "--debug", "", "log each step jrun takes (to --log, else stderr), and stack traces of errors",
            "--systemd-cgroup", "", "not supported: jrun has no systemd cgroup driver",
            "--rootless", "VALUE", "true, false or auto (default auto: on when not root, or root of a user namespace); see docs/rootless.md",
            "--criu", "PATH", "not supported: jrun has no checkpoint/restore (CRIU) support",
            "--rules --oi-rules", "PATH", "a rule file or directory to apply at create and run (repeatable)",
            "--oi-env", "NAME=VALUE", "set NAME in process.env unless it is set (repeatable; exec too)",
            "--oi-env-force", "NAME=VALUE", "set NAME in process.env, replacing its value (repeatable; exec too)",
            "--oi-readonly-networking-mounts", "", "make the mounts of /etc/hosts, /etc/hostname and /etc/resolv.conf read-only",
            "--oi-no-default-rules", "", "with rules flags, do not read /etc/oci-interceptor/rules.d",
            "--rules-write-config", "", "write the config the rules edited back to the bundle's config.json",
            "--help -h", "", "print this help, or with a command its help",
            "--version -v", "", "print the version, the git commit and the runtime-spec version",
    };

    /** Every command, for the help and the man pages, in the order they are listed; command() knows each. */
    static final String[] COMMANDS = {"checkpoint", "create", "delete", "events", "exec", "features", "kill", "list", "pause", "ps",
        "restore", "resume", "run", "spec", "start", "state", "update", "engine"};

    /** A switch, not a map of constructors: nothing to build (and no lambda classes to load) before a command runs. */
    static Command command(String name) {
        return switch (name) {
            case "create" -> new CreateCommand();
            case "start" -> new StartCommand();
            case "state" -> new StateCommand();
            case "kill" -> new KillCommand();
            case "delete" -> new DeleteCommand();
            case "exec" -> new ExecCommand();
            case "run" -> new RunCommand();
            case "list" -> new ListCommand();
            case "spec" -> new SpecCommand();
            case "features" -> new FeaturesCommand();
            case "ps" -> new PsCommand();
            case "pause" -> new PauseCommand();
            case "resume" -> new ResumeCommand();
            case "update" -> new UpdateCommand();
            case "events" -> new EventsCommand();
            case "engine" -> new EngineCommand();
            case "checkpoint" -> new UnsupportedCommand(UnsupportedCommand.CHECKPOINT);
            case "restore" -> new UnsupportedCommand(UnsupportedCommand.RESTORE);
            default -> null;
        };
    }

    public static void main(String[] argv) {
        // This process's descendants are its to reap: an init whose helper has left (a detached
        // create's leaves at once) is reaped here if the create fails, not left a zombie for the
        // caller's subreaper (ZombieIT). Here, not in Lifecycle: a JVM that runs commands in-process
        // (the tests') lives on, and would collect the orphans of every helper it starts.
        jrun.linux.PosixLock.subreaper();
        int status = run(Arrays.asList(argv));
        jrun.helper.HelperProcess.releaseUnused(); // no zombie helper for the caller's subreaper
        Exit.now(status);
    }

    public static int run(List<String> argv) {
        Globals g = new Globals();
        try {
            int i = 0;
            for (; i < argv.size(); i++) {
                String a = argv.get(i);
                if (a.length() < 2 || a.charAt(0) != '-') break;
                int eq = a.indexOf('=');
                String name = eq > 0 ? a.substring(0, eq) : a, value = eq > 0 ? a.substring(eq + 1) : null;
                int f = Args.find(SPEC, name);
                if (f < 0) throw JrunException.usage("unknown global flag " + name);
                if (Args.takesValue(SPEC, f)) {
                    if (value == null) {
                        if (i + 1 >= argv.size()) throw JrunException.usage("flag " + name + " needs a value");
                        value = argv.get(++i);
                    }
                } else if (value == null) {
                    value = "true";
                } else if (!value.equals("true") && !value.equals("false")) {
                    throw JrunException.usage("flag " + name + " takes no value");
                }
                if (global(g, Args.canonical(SPEC, f), value)) return 0;
            }
            if (i >= argv.size()) return Help.program(); // as runc: no command prints the help
            String name = argv.get(i);
            if (name.equals("help") || name.equals("h")) return Help.topic(argv.subList(i + 1, argv.size()));
            Command c = command(name);
            if (c == null) throw JrunException.usage("unknown command \"" + name + "\" (see jrun --help)");
            if (g.debug) g.debug("jrun " + String.join(" ", argv));
            int status = c.run(g, argv.subList(i + 1, argv.size()));
            if (g.debug) g.debug(name + ": exit status " + status);
            return status;
        } catch (JrunException e) {
            if (e.exitCode() == Args.HELP_REQUESTED) return Help.topic(List.of(e.getMessage()));
            report(g, e.getMessage());
            if (g.debug) e.printStackTrace(jrun.Invocation.current().err());
            return e.exitCode();
        } catch (jrun.Invocation.ColdOnly e) {
            throw e; // the engine hands the command back to the client, which runs it cold
        } catch (RuntimeException | Error e) {
            report(g, "internal error: " + e);
            if (g.debug) e.printStackTrace(jrun.Invocation.current().err());
            return 70;
        }
    }

    /** A path flag's value: in the engine, resolved against the caller's working directory. */
    private static String callers(String path) {
        jrun.Invocation inv = jrun.Invocation.current();
        return inv.warm() ? inv.path(path).toString() : path;
    }

    /** One global flag, by its canonical name; true when it answered the call itself (--version, --help). */
    private static boolean global(Globals g, String name, String value) {
        switch (name) {
            // in the engine a relative path is the caller's, not the engine's (cold: unchanged)
            case "--root" -> g.root = callers(value);
            case "--log" -> g.log = callers(value);
            case "--log-format" -> {
                if (!value.equals("text") && !value.equals("json"))
                    throw JrunException.usage("--log-format: expected text or json, got \"" + value + "\"");
                g.jsonLog = value.equals("json");
            }
            case "--rules", "--oi-env", "--oi-env-force" -> { // rules in-process (Globals.rules)
                g.ruleFlags.add(name.equals("--rules") ? "--oi-rules" : name);
                g.ruleFlags.add(name.equals("--rules") ? callers(value) : value);
            }
            case "--oi-readonly-networking-mounts", "--oi-no-default-rules" -> {
                if (value.equals("true")) g.ruleFlags.add(name);
            }
            case "--rules-write-config" -> g.rulesWriteConfig = Boolean.parseBoolean(value);
            case "--debug" -> g.debug = Boolean.parseBoolean(value);
            case "--systemd-cgroup" -> {
                if (value.equals("true")) throw new JrunException("--systemd-cgroup: jrun has no systemd cgroup driver"
                        + (Files.isDirectory(Path.of("/run/systemd/system")) ? "" : " (and this host runs no systemd)"));
            }
            case "--rootless" -> {
                if (!value.equals("true") && !value.equals("false") && !value.equals("auto"))
                    throw JrunException.usage("--rootless: expected true, false or auto, got \"" + value + "\"");
                g.rootless = value;
            }
            case "--criu" -> throw new JrunException("--criu: jrun has no checkpoint/restore (CRIU) support");
            case "--version" -> {
                java.io.PrintStream out = jrun.Invocation.current().out();
                out.println("jrun version " + Version.VERSION);
                out.println("commit: " + commit());
                out.println("spec: " + Version.SPEC);
                out.println("java: " + System.getProperty("java.version"));
                return true;
            }
            case "--help" -> {
                Help.program();
                return true;
            }
            default -> throw new IllegalStateException(name);
        }
        return false;
    }

    /**
     * The git commit of the build, written by scripts/write-commit.sh ("unknown" outside a git
     * checkout): lib/jrun/commit beside the jar (scripts/assemble.sh), else the jar's resource
     * /jrun/commit. The file first: opening the jar for a resource cost --version ~10 ms of CPU
     * (-Xint), and --version is the bare JVM start the benchmarks compare against.
     */
    static String commit() {
        String lib = System.getProperty("jrun.lib");
        try {
            if (lib != null) {
                Path f = Path.of(lib, "commit");
                if (Files.exists(f)) return nonEmpty(Files.readString(f));
            }
            try (java.io.InputStream in = JrunMain.class.getResourceAsStream("/jrun/commit")) {
                return in == null ? "unknown" : nonEmpty(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String nonEmpty(String s) {
        return s.isBlank() ? "unknown" : s.strip();
    }

    private static void report(Globals g, String message) {
        ErrorLog.report("jrun", message, g.log, g.jsonLog);
        if (g.log != null && !g.jsonLog) {
            try {
                Files.writeString(Path.of(g.log), "time=\"" + OffsetDateTime.now() + "\" level=error msg=\"" + ErrorLog.oneLine(message).replace("\"", "\\\"") + "\"\n",
                        StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException ignored) {
                // stderr has it
            }
        }
    }
}
