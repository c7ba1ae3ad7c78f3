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

    static final Set<String> VALUE_FLAGS = Set.of(
            "--oi-runtime-path", "--runtime-path", "--oi-debug-output-dir", "--oi-env", "--oi-env-force", "--oi-rules");
    static final Set<String> BOOL_FLAGS = Set.of(
            "--oi-readonly-networking-mounts", "--readonly-networking-mounts", "--oi-no-default-rules",
            "--oi-write-debug-output", "--oi-help", "--oi-version");

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

    public static String usage() {
        return """
                Usage: oci-interceptor [OPTIONS] [--] RUNTIME-ARGS...

                An OCI runtime wrapper: on create, run and restore it rewrites the bundle's config.json
                (built-in fixes and rules), then execs the real runtime with RUNTIME-ARGS unchanged.
                Every other call goes straight to the runtime.

                Options (only before the first runtime argument):
                  --oi-runtime-path PATH          runtime to exec: a path, or a name looked up in PATH [default: runc]
                  --oi-readonly-networking-mounts make /etc/hosts, /etc/hostname and /etc/resolv.conf read-only
                  --oi-env NAME=VALUE             set NAME in process.env unless it is already set (repeatable)
                  --oi-env-force NAME=VALUE       set NAME in process.env, replacing any value (repeatable)
                  --oi-rules PATH                 rule file or directory to apply (repeatable)
                  --oi-no-default-rules           do not read /etc/oci-interceptor/rules.d
                  --oi-write-debug-output         keep original and modified configs and a log of every call
                  --oi-debug-output-dir DIR       where debug output goes [default: /var/log/oci-interceptor]
                  --oi-help                       print this help
                  --oi-version                    print the version
                Old names accepted: --runtime-path, --readonly-networking-mounts. Both --flag=value and
                --flag value work.

                Subcommands of our own:
                  oci-interceptor rules check [PATH...]          validate rule files (default: the rules directory)
                  oci-interceptor rules apply --config FILE [--rules PATH]... [--diff] [--all] [--no-default-rules]
                                                                 dry run: the result (or a diff) on stdout, why on stderr
                See docs/rules.md.
                """;
    }
}
