package jrun.interceptor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jrun.JrunException;
import jrun.linux.DirFd;
import jrun.rules.Context;
import jrun.rules.MountOptionsEdit;
import jrun.rules.Rule;
import jrun.rules.RuleSet;
import jrun.rules.RulesReport;
import jrun.spec.ConfigFile;
import jrun.spec.Json;

/**
 * The interceptor's one job, start to finish: decide whether a runtime call creates a container,
 * rewrite that bundle's config.json if so, and say what to exec. Nothing is written and nothing is
 * exec'd when anything fails.
 */
public final class Interceptor {
    /**
     * The rewritten config.json and --process file are renamed over the original without an fsync
     * first: still atomic (a reader sees the old file or the new one, never half), but not durable
     * across a crash of the host. The file is read once, by the runtime exec'd right after, from the
     * page cache; after a host crash the container is gone and its caller rewrites the bundle. The
     * Rust oci-interceptor writes without an fsync too. The fsync cost 0.3-2.5 ms of every create
     * on this host's ext4 (docs/engine.md).
     */
    static final boolean NOT_DURABLE = false;

    private final InterceptorArgs args;
    private final Map<String, String> env;
    private final Path defaultRulesDir;
    private final Context context;

    public Interceptor(InterceptorArgs args, Map<String, String> env) {
        this(args, env, RuleSet.DEFAULT_DIR, Context.host());
    }

    /** defaultRulesDir is read only when it exists and --oi-no-default-rules is not given. */
    public Interceptor(InterceptorArgs args, Map<String, String> env, Path defaultRulesDir, Context context) {
        this.args = args;
        this.env = env;
        this.defaultRulesDir = defaultRulesDir;
        this.context = context;
    }

    public ExecPlan run(RuntimeCall call) {
        String runtime = RuntimeLocator.resolve(args.runtimePath(), env.get("PATH"));
        if (call.intercepted()) rewrite(call);
        else if ("exec".equals(call.subcommand()) && call.processFile() != null && !args.envEdits().isEmpty()) rewriteProcess(call);
        if (args.writeDebugOutput()) logCall();
        List<String> argv = new ArrayList<>(args.runtimeArgs().size() + 1);
        argv.add(args.runtimePath());
        argv.addAll(args.runtimeArgs());
        return new ExecPlan(runtime, argv);
    }

    /** The presets the flags ask for, in the order they apply: read-only mounts, then env flags in command-line order. */
    public RuleSet presets() {
        List<Rule> rules = new ArrayList<>();
        if (args.readonlyNetworkingMounts()) rules.add(Rule.preset("oi-readonly-networking-mounts", MountOptionsEdit.readonlyNetworkingMounts()));
        for (var e : args.envEdits()) rules.add(Rule.preset(e.mode() == jrun.rules.EnvEdit.Mode.FORCE ? "oi-env-force" : "oi-env", e));
        return RuleSet.of(rules);
    }

    /** Every rule for a create, in application order: presets, CDI by annotations, then rule files. Fails closed. */
    public RuleSet ruleSet() {
        return RuleSet.standard(presets(), args.noDefaultRules() ? null : defaultRulesDir, args.rulePaths());
    }

    private void rewrite(RuntimeCall call) {
        Path bundle = callerPath(call.bundle() == null ? "." : call.bundle());
        Path config = bundle.resolve("config.json");
        RuleSet rules = ruleSet();
        boolean onlyCdi = rules.rules().stream().allMatch(r -> r.isPreset() && r.edits().get(0) instanceof jrun.rules.CdiEdit);
        String original, modified;
        Map<String, Object> root;
        // The bundle is opened once and config.json read and replaced through it, never by path:
        // its owner may be a less privileged user than us (docs/security.md).
        try (DirFd dir = DirFd.open(bundle)) {
            byte[] bytes = ConfigFile.bytes(dir, "config.json", config);
            if (onlyCdi && !args.writeDebugOutput() && !mentionsCdi(bytes)) return;
            Json.Document doc = ConfigFile.parse(bytes, config);
            root = ConfigFile.rootObject(doc, config);
            original = doc.source();
            RuleSet.Result result;
            try {
                result = rules.apply(root, context);
            } catch (JrunException e) {
                throw new JrunException(config + ": " + e.getMessage(), e);
            }
            if (args.writeDebugOutput()) logRules(call, result);
            if (!result.allowed()) throw new JrunException(result.denyMessage());
            modified = result.changed() ? Json.write(root, doc.style()) : null;
            jrun.runtime.StateStore.stopAt("rewrite:read"); // tests only (docs/reliability.md)
            // Not fsynced (NOT_DURABLE): see the constant.
            if (result.changed()) ConfigFile.replaceAtomically(dir, "config.json", config, modified, NOT_DURABLE);
            jrun.runtime.StateStore.stopAt("rewrite:replaced");
        }
        if (args.writeDebugOutput()) writeDebugConfigs(root, call, original, modified);
    }

    /**
     * Docker and Podman build an exec's environment from their own metadata, not config.json, so
     * env defaults would silently miss `docker exec`. Apply the env flags to the --process file too.
     */
    private void rewriteProcess(RuntimeCall call) {
        Path file = callerPath(call.processFile());
        Path abs = file.toAbsolutePath();
        String name = abs.getFileName().toString();
        try (DirFd dir = DirFd.open(abs.getParent())) {
            Json.Document doc = ConfigFile.read(dir, name, file);
            Map<String, Object> process = ConfigFile.rootObject(doc, file);
            Map<String, Object> asConfig = new java.util.LinkedHashMap<>();
            asConfig.put("process", process);
            boolean changed = false;
            for (jrun.rules.EnvEdit edit : args.envEdits()) {
                try {
                    changed |= edit.apply(asConfig, context);
                } catch (JrunException e) {
                    throw new JrunException(file + ": " + e.getMessage().replaceFirst("^process\\.", ""), e);
                }
            }
            if (changed) ConfigFile.replaceAtomically(dir, name, file, Json.write(process, doc.style()), NOT_DURABLE);
        }
    }

    /** A path of the command line: as given (cold), or against the caller's directory (in the engine, whose own is /). */
    static Path callerPath(String p) {
        jrun.Invocation inv = jrun.Invocation.current();
        return inv.warm() ? inv.path(p) : Path.of(p);
    }

    /** A cheap look for "cdi.k8s.io/" before parsing: without it, no rules and no flags mean nothing to do. */
    private static boolean mentionsCdi(byte[] config) {
        return new String(config, StandardCharsets.ISO_8859_1).contains(jrun.rules.Cdi.ANNOTATION_PREFIX);
    }

    private void logRules(RuntimeCall call, RuleSet.Result result) {
        StringBuilder sb = new StringBuilder();
        String time = OffsetDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        for (RuleSet.Outcome o : result.outcomes()) {
            if (!RulesReport.listed(o, false)) continue;
            sb.append(time).append(" rules ").append(call.containerId()).append(": ").append(RulesReport.line(o)).append('\n');
        }
        appendDebugLog(sb.toString());
    }

    private void writeDebugConfigs(Map<String, Object> root, RuntimeCall call, String original, String modified) {
        String name = debugName(root, call);
        try {
            Path dir = Files.createDirectories(Path.of(args.debugOutputDir()));
            ConfigFile.replaceAtomically(dir.resolve(name + "_original.json"), original);
            if (modified != null) ConfigFile.replaceAtomically(dir.resolve(name + "_modified.json"), modified);
        } catch (IOException | JrunException e) {
            jrun.Invocation.current().err().println("oci-interceptor: warning: debug output in " + args.debugOutputDir() + ": " + e.getMessage());
        }
    }

    /** Named by the container's hostname, as the Rust tool does, else by its ID. */
    static String debugName(Map<String, Object> root, RuntimeCall call) {
        String name = root.get("hostname") instanceof String h && !h.isEmpty() ? h
                : call.containerId() != null ? call.containerId() : "config";
        return name.replaceAll("[^A-Za-z0-9._-]", "_").replaceFirst("^\\.", "_");
    }

    private void logCall() {
        StringBuilder line = new StringBuilder(256);
        line.append(OffsetDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append(' ');
        line.append(shellQuote(args.runtimePath()));
        for (String a : args.runtimeArgs()) line.append(' ').append(shellQuote(a));
        line.append('\n');
        appendDebugLog(line.toString());
    }

    private void appendDebugLog(String text) {
        if (text.isEmpty()) return;
        try {
            Path dir = Files.createDirectories(Path.of(args.debugOutputDir()));
            Files.writeString(dir.resolve("runtime_calls.log"), text, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            jrun.Invocation.current().err().println("oci-interceptor: warning: debug output in " + args.debugOutputDir() + ": " + e.getMessage());
        }
    }

    static String shellQuote(String s) {
        if (!s.isEmpty() && s.matches("[A-Za-z0-9@%+=:,./_-]+")) return s;
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
