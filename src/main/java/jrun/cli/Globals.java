package jrun.cli;

import java.nio.file.Path;

import jrun.linux.RealHostFiles;
import jrun.runtime.Lifecycle;
import jrun.runtime.LinuxHardening;
import jrun.runtime.StateStore;

/** The global flags, which come before the command (runc's --root, --log, --log-format, --debug ...). */
final class Globals {
    /** --root, or null: then Rootless.defaultRoot (/run/jrun for root, $XDG_RUNTIME_DIR/jrun for a user). */
    String root;
    /** --rootless: true, false or auto. */
    String rootless = "auto";
    String log;
    boolean jsonLog;
    boolean debug;
    /** --rules and --oi-* flags, in order, as oci-interceptor takes them. */
    final java.util.List<String> ruleFlags = new java.util.ArrayList<>();
    boolean rulesWriteConfig;

    /**
     * The rules for create and run, applied in this JVM (the interceptor's presets, CDI, the default
     * rules directory unless --oi-no-default-rules, then --rules files), or NONE without rule flags.
     * Denied: the rule's message. The bundle's config.json is rewritten only with --rules-write-config.
     */
    jrun.runtime.ConfigRules rules() {
        if (ruleFlags.isEmpty()) return jrun.runtime.ConfigRules.NONE;
        jrun.interceptor.InterceptorArgs args = jrun.interceptor.InterceptorArgs.parse(ruleFlags);
        jrun.rules.RuleSet set = new jrun.interceptor.Interceptor(args, jrun.Invocation.current().env()).ruleSet();
        return (config, bundle) -> {
            Path file = bundle.resolve("config.json");
            jrun.rules.RuleSet.Result r;
            try {
                r = set.apply(config, jrun.rules.Context.host());
            } catch (jrun.JrunException e) {
                throw new jrun.JrunException(file + ": " + e.getMessage(), e);
            }
            if (!r.allowed()) throw new jrun.JrunException(r.denyMessage());
            if (r.changed() && rulesWriteConfig) jrun.spec.ConfigFile.replaceAtomically(file, jrun.spec.Json.write(config, jrun.spec.Json.Style.TWO_SPACES));
            return r.changed();
        };
    }

    /** The env presets (--oi-env, --oi-env-force) for an exec's process, as the interceptor applies them to --process. */
    java.util.List<jrun.rules.EnvEdit> envPresets() {
        return ruleFlags.isEmpty() ? java.util.List.of() : jrun.interceptor.InterceptorArgs.parse(ruleFlags).envEdits();
    }

    /**
     * A warning from jrun.linux (an unknown capability or syscall, ignored as runc does): like
     * runc, into the --log file when there is one (an engine's; stderr is the container's then),
     * else onto stderr, as runc does without --log; both with --debug.
     */
    void warn(String message) {
        if (debug || log == null) jrun.Invocation.current().err().println("jrun: warning: " + message);
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

    /**
     * A --debug line, as runc logs each step: into the --log file (text or JSON lines), else onto
     * stderr. Callers test `debug` first, so a run without --debug builds no message.
     */
    void debug(String message) {
        if (log == null) {
            jrun.Invocation.current().err().println("time=\"" + java.time.OffsetDateTime.now() + "\" level=debug msg=\"" + message.replace("\"", "\\\"") + "\"");
        } else if (jsonLog) {
            ErrorLog.appendJson(log, "debug", message);
        } else {
            try {
                java.nio.file.Files.writeString(Path.of(log), "time=\"" + java.time.OffsetDateTime.now() + "\" level=debug msg=\""
                        + message.replace("\"", "\\\"") + "\"\n", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            } catch (java.io.IOException ignored) {
                // a debug line is not worth failing for
            }
        }
    }

    /** The state directory: --root, else the default for this user (read when a command needs it). */
    String root() {
        if (root == null) root = jrun.runtime.Rootless.defaultRoot(jrun.Invocation.current().env());
        return root;
    }

    /** Rootless mode as --rootless asks (auto: on when not root, or root of a user namespace). */
    jrun.runtime.Rootless rootlessMode() {
        return jrun.runtime.Rootless.of(rootless, jrun.Invocation.current().env());
    }

    jrun.runtime.Exec exec() {
        jrun.runtime.Exec e = new jrun.runtime.Exec(new StateStore(Path.of(root())), LinuxHardening.forHost(this::warn).withSeccompCache(Path.of(root(), ".cache", "seccomp")));
        return debug ? e.withDebug(this::debug) : e;
    }

    jrun.runtime.Manage manage() {
        jrun.linux.cgroups.CgroupLayout layout = jrun.linux.cgroups.CgroupLayout.detect();
        return new jrun.runtime.Manage(new StateStore(Path.of(root())), new LinuxHardening(jrun.linux.Capabilities.kernelLastCap(), layout, this::warn),
                dirs -> new jrun.runtime.ContainerCgroups(layout, dirs));
    }

    Lifecycle lifecycle() {
        Lifecycle l = new Lifecycle(new StateStore(Path.of(root())), new RealHostFiles(),
                LinuxHardening.forHost(this::warn).withSeccompCache(Path.of(root(), ".cache", "seccomp")), rules())
                .withRootless(rootlessMode());
        return debug ? l.withDebug(this::debug) : l;
    }
}
