package jrun.interceptor;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jrun.JrunException;
import jrun.rules.EnvEdit;

/**
 * The interceptor's command line: {@code oci-interceptor [OI-FLAGS] [--] RUNTIME-ARGS...}.
 *
 * <p>Our flags are recognised only in the leading run of arguments (as in the Rust tool, whose
 * first runtime argument ends its own options); everything from the first other argument on goes
 * to the runtime unchanged and in order. A leading "--" ends our flags and is not forwarded.
 * Keep the flag lists in step with src/main/c/launcher.c (LauncherAgreementIT checks both).
 */
public record InterceptorArgs(
        String runtimePath,
        boolean readonlyNetworkingMounts,
        List<EnvEdit> envEdits,
        boolean writeDebugOutput,
        String debugOutputDir,
        List<String> rulePaths,
        boolean noDefaultRules,
        boolean help,
        boolean version,
        List<String> runtimeArgs) {

    public static final String DEFAULT_DEBUG_DIR = "/var/log/oci-interceptor";

    /**
     * The description the parser, the help (--oi-help) and the man page read, in jrun.cli.Args's
     * form: {NAME, ARGUMENTS, SUMMARY, DESCRIPTION, then NAMES, VALUE, HELP per flag}.
     */
    public static final String[] SPEC = {"oci-interceptor", "[OPTIONS] [--] RUNTIME-ARGS...",
            "an OCI runtime wrapper that rewrites config.json by rules, then execs the real runtime",
            """
            oci-interceptor is registered as a runtime in Docker, Podman or containerd. On create, run \
            and restore it edits the bundle's config.json (the presets its flags ask for, CDI devices \
            requested by cdi.k8s.io annotations, and rules), then execs the real runtime with \
            RUNTIME-ARGS unchanged: same pid, file descriptors, stdio, environment and exit status. \
            Every other call (start, state, kill, delete, exec, ...) goes straight to the runtime \
            without starting Java.

            Its flags are read only before the first runtime argument; a leading -- ends them and is \
            not forwarded. --flag=value and --flag value both work. --help, --version and everything \
            else that is not its own go to the runtime. The old names --runtime-path and \
            --readonly-networking-mounts are accepted too.

            Rules are YAML or JSON files in /etc/oci-interceptor/rules.d (by name) and from --oi-rules. \
            A bad config.json or rule file, or a rule's deny, is one line on stderr (and a JSON line in \
            the runtime's --log, which Docker shows), a non-zero status, and the runtime is not started.

            Subcommands of its own:

              oci-interceptor rules check [PATH...]
                  validate rule files (default: the rules directory)
              oci-interceptor rules apply --config FILE [--rules PATH]... [--diff] [--all] [--no-default-rules]
                  a dry run: the edited config (or a diff) on stdout, what each rule did and why on stderr

            See docs/rules.md for the rules.""",
            "--oi-runtime-path --runtime-path", "PATH", "the runtime to exec: a path, or a name looked up in PATH (default runc)",
            "--oi-readonly-networking-mounts --readonly-networking-mounts", "", "make the mounts of /etc/hosts, /etc/hostname and /etc/resolv.conf read-only",
            "--oi-env", "NAME=VALUE", "set NAME in process.env unless it is already set (repeatable)",
            "--oi-env-force", "NAME=VALUE", "set NAME in process.env, replacing any value (repeatable)",
            "--oi-rules", "PATH", "a rule file or directory to apply (repeatable)",
            "--oi-no-default-rules", "", "do not read /etc/oci-interceptor/rules.d",
            "--oi-write-debug-output", "", "keep each container's original and modified config, and a log of every call",
            "--oi-debug-output-dir", "DIR", "where debug output goes (default /var/log/oci-interceptor)",
            "--oi-help", "", "print this help",
            "--oi-version", "", "print the version",
    };

    /** Every spelling of the flags that take a value, and of those that do not (from SPEC). */
    static final Set<String> VALUE_FLAGS = spellings(true), BOOL_FLAGS = spellings(false);

    private static Set<String> spellings(boolean valued) {
        java.util.Set<String> out = new java.util.HashSet<>();
        for (int i = jrun.cli.Args.HEAD; i < SPEC.length; i += 3)
            if (SPEC[i + 1].isEmpty() != valued) out.addAll(List.of(SPEC[i].split(" ")));
        return Set.copyOf(out);
    }

    public static InterceptorArgs parse(List<String> argv) {
        String runtime = "runc";
        boolean ro = false, debug = false, help = false, version = false, noDefaultRules = false;
        String debugDir = DEFAULT_DEBUG_DIR;
        List<EnvEdit> env = new ArrayList<>();
        List<String> rules = new ArrayList<>();
        int i = 0;
        for (; i < argv.size(); i++) {
            String a = argv.get(i);
            if (a.equals("--")) {
                i++;
                break;
            }
            if (!isOurs(a)) break;
            int eq = a.indexOf('=');
            String name = eq < 0 ? a : a.substring(0, eq);
            String value = null;
            if (VALUE_FLAGS.contains(name)) {
                if (eq >= 0) {
                    value = a.substring(eq + 1);
                } else if (i + 1 < argv.size()) {
                    value = argv.get(++i);
                } else {
                    throw JrunException.usage("flag " + name + " needs a value");
                }
                if (value.isEmpty()) throw JrunException.usage("flag " + name + " needs a non-empty value");
            } else if (BOOL_FLAGS.contains(name)) {
                if (eq >= 0) throw JrunException.usage("flag " + name + " takes no value (got \"" + a + "\")");
            } else {
                throw JrunException.usage("unknown flag " + name + " (see --oi-help)");
            }
            switch (name) {
                case "--oi-runtime-path", "--runtime-path" -> runtime = value;
                case "--oi-readonly-networking-mounts", "--readonly-networking-mounts" -> ro = true;
                case "--oi-env" -> env.add(EnvEdit.parse(EnvEdit.Mode.DEFAULT, value, name));
                case "--oi-env-force" -> env.add(EnvEdit.parse(EnvEdit.Mode.FORCE, value, name));
                case "--oi-write-debug-output" -> debug = true;
                case "--oi-debug-output-dir" -> debugDir = value;
                case "--oi-rules" -> rules.add(value);
                case "--oi-no-default-rules" -> noDefaultRules = true;
                case "--oi-help" -> help = true;
                case "--oi-version" -> version = true;
                default -> throw new IllegalStateException(name);
            }
        }
        return new InterceptorArgs(runtime, ro, List.copyOf(env), debug, debugDir, List.copyOf(rules),
                noDefaultRules, help, version, List.copyOf(argv.subList(i, argv.size())));
    }

    private static boolean isOurs(String a) {
        return a.startsWith("--oi-") || a.equals("--runtime-path") || a.startsWith("--runtime-path=")
                || a.equals("--readonly-networking-mounts") || a.startsWith("--readonly-networking-mounts=");
    }

}
