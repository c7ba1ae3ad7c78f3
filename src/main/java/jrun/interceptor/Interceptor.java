package jrun.interceptor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jrun.JrunException;
import jrun.rules.ConfigEdit;
import jrun.rules.MountOptionsEdit;
import jrun.spec.ConfigFile;
import jrun.spec.Json;

/**
 * The interceptor's one job, start to finish: decide whether a runtime call creates a container,
 * rewrite that bundle's config.json if so, and say what to exec. Nothing is written and nothing is
 * exec'd when anything fails.
 */
public final class Interceptor {
    private final InterceptorArgs args;
    private final Map<String, String> env;

    public Interceptor(InterceptorArgs args, Map<String, String> env) {
        this.args = args;
        this.env = env;
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

    /** The edits the flags ask for, in the order they apply: presets first, then env flags in command-line order. */
    public List<ConfigEdit> edits() {
        List<ConfigEdit> edits = new ArrayList<>();
        if (args.readonlyNetworkingMounts()) edits.add(MountOptionsEdit.readonlyNetworkingMounts());
        edits.addAll(args.envEdits());
        return edits;
    }

    private void rewrite(RuntimeCall call) {
        Path bundle = Path.of(call.bundle() == null ? "." : call.bundle());
        Path config = bundle.resolve("config.json");
        List<ConfigEdit> edits = edits();
        if (edits.isEmpty() && !args.writeDebugOutput()) return;
        Json.Document doc = ConfigFile.read(config);
        Map<String, Object> root = ConfigFile.rootObject(doc, config);
        String original = doc.source();
        boolean changed = false;
        for (ConfigEdit edit : edits) {
            try {
                changed |= edit.apply(root);
            } catch (JrunException e) {
                throw new JrunException(config + ": " + e.getMessage(), e);
            }
        }
        String modified = changed ? Json.write(root, doc.style()) : null;
        if (changed) ConfigFile.replaceAtomically(config, modified);
        if (args.writeDebugOutput()) writeDebugConfigs(root, call, original, modified);
    }

    /**
     * Docker and Podman build an exec's environment from their own metadata, not config.json, so
     * env defaults would silently miss `docker exec`. Apply the env flags to the --process file too.
     */
    private void rewriteProcess(RuntimeCall call) {
        Path file = Path.of(call.processFile());
        Json.Document doc = ConfigFile.read(file);
        Map<String, Object> process = ConfigFile.rootObject(doc, file);
        Map<String, Object> asConfig = new java.util.LinkedHashMap<>();
        asConfig.put("process", process);
        boolean changed = false;
        for (ConfigEdit edit : args.envEdits()) {
            try {
                changed |= edit.apply(asConfig);
            } catch (JrunException e) {
                throw new JrunException(file + ": " + e.getMessage().replaceFirst("^process\\.", ""), e);
            }
        }
        if (changed) ConfigFile.replaceAtomically(file, Json.write(process, doc.style()));
    }

    private void writeDebugConfigs(Map<String, Object> root, RuntimeCall call, String original, String modified) {
        String name = debugName(root, call);
        try {
            Path dir = Files.createDirectories(Path.of(args.debugOutputDir()));
            ConfigFile.replaceAtomically(dir.resolve(name + "_original.json"), original);
            if (modified != null) ConfigFile.replaceAtomically(dir.resolve(name + "_modified.json"), modified);
        } catch (IOException | JrunException e) {
            System.err.println("oci-interceptor: warning: debug output in " + args.debugOutputDir() + ": " + e.getMessage());
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
        try {
            Path dir = Files.createDirectories(Path.of(args.debugOutputDir()));
            Files.writeString(dir.resolve("runtime_calls.log"), line, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            System.err.println("oci-interceptor: warning: debug output in " + args.debugOutputDir() + ": " + e.getMessage());
        }
    }

    static String shellQuote(String s) {
        if (!s.isEmpty() && s.matches("[A-Za-z0-9@%+=:,./_-]+")) return s;
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
