package jrun.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import jrun.interceptor.ExecPlan;
import jrun.interceptor.Interceptor;
import jrun.interceptor.InterceptorArgs;
import jrun.interceptor.RuntimeCall;
import jrun.spec.ConfigFile;
import jrun.spec.Json;

/**
 * The build's AOT training run (scripts/assemble.sh): does the work real commands do, on a
 * scratch directory, so their classes are in the cache. Not a user command.
 */
public final class AotTraining {
    private AotTraining() {}

    /** The rules path: a YAML and a JSON rule file through the interceptor, a deny, and `rules apply`. */
    private static void rules(Path dir, Path bundle) throws IOException {
        Path yaml = dir.resolve("rules.yaml"), json = dir.resolve("rules.json");
        try (InputStream in = AotTraining.class.getResourceAsStream("/jrun/training-rules.yaml")) {
            Files.write(yaml, in.readAllBytes());
        }
        Files.writeString(json, "{\"version\": 1, \"rules\": [{\"name\": \"j\", \"when\": {\"hostname\": \".*\"},"
                + " \"edits\": [{\"env\": {\"force\": {\"J\": \"1\"}}}]}]}");
        Files.writeString(dir.resolve("deny.yaml"), "version: 1\nrules:\n  - name: d\n    deny: training\n");
        for (int i = 0; i < 3; i++) {
            for (String extra : new String[] {null, dir.resolve("deny.yaml").toString()}) {
                List<String> argv = new java.util.ArrayList<>(List.of("--oi-runtime-path=/bin/true", "--oi-no-default-rules",
                        "--oi-rules", yaml.toString(), "--oi-rules", json.toString()));
                if (extra != null) argv.addAll(List.of("--oi-rules", extra));
                argv.addAll(List.of("--log", dir.resolve("log.json").toString(), "--log-format", "json",
                        "create", "--bundle", bundle.toString(), "r" + i));
                InterceptorArgs args = InterceptorArgs.parse(argv);
                try {
                    new Interceptor(args, Map.of("PATH", "/usr/bin:/bin")).run(RuntimeCall.parse(args.runtimeArgs())).encode();
                } catch (jrun.JrunException e) {
                    ErrorLog.appendJson(dir.resolve("log.json").toString(), "error", e.getMessage());
                }
            }
            java.io.PrintStream sink = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
            InterceptorArgs args = InterceptorArgs.parse(List.of("--oi-no-default-rules", "rules"));
            RulesCommand cmd = new RulesCommand(args, jrun.rules.RuleSet.DEFAULT_DIR, jrun.rules.Context.host(), sink, sink);
            cmd.run(List.of("check", yaml.toString(), json.toString()));
            cmd.run(List.of("apply", "--config", bundle.resolve("config.json").toString(), "--rules", yaml.toString(), "--diff"));
        }
    }

    /** A create whose config requests a CDI device by annotation, with a spec in a scratch CDI directory. */
    private static void cdi(Path dir) throws IOException {
        Path specs = Files.createDirectories(dir.resolve("cdi"));
        Files.writeString(specs.resolve("t.yaml"), "cdiVersion: 0.6.0\nkind: training.example/dev\ndevices:\n  - name: a\n"
                + "    containerEdits:\n      env: [T=1]\n      deviceNodes: [{path: /dev/null}]\n"
                + "      mounts: [{hostPath: /tmp, containerPath: /t, options: [ro, rbind]}]\n"
                + "      hooks: [{hookName: createContainer, path: /bin/true}]\n");
        Files.writeString(specs.resolve("t.json"), "{\"cdiVersion\": \"0.6.0\", \"kind\": \"training.example/json\", \"devices\": [{\"name\": \"b\","
                + " \"containerEdits\": {\"env\": [\"U=2\"]}}], \"containerEdits\": {\"additionalGids\": [5]}}");
        Path bundle = Files.createDirectories(dir.resolve("cdi-bundle"));
        for (int i = 0; i < 3; i++) {
            try (InputStream in = AotTraining.class.getResourceAsStream("/jrun/training-config.json")) {
                String config = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                Files.writeString(bundle.resolve("config.json"), config.replaceFirst("\\{", "{\"annotations\": "
                        + "{\"cdi.k8s.io/t\": \"training.example/dev=a,training.example/json=b\"},"));
            }
            InterceptorArgs args = InterceptorArgs.parse(List.of("--oi-runtime-path=/bin/true", "--oi-no-default-rules",
                    "create", "--bundle", bundle.toString(), "c" + i));
            jrun.rules.Context ctx = new jrun.rules.Context(jrun.rules.HostDevices.HOST, jrun.rules.HostNamespaces.HOST, List.of(specs));
            new Interceptor(args, Map.of("PATH", "/usr/bin:/bin"), dir.resolve("no-rules.d"), ctx).run(RuntimeCall.parse(args.runtimeArgs())).encode();
        }
    }

    public static void main(String[] argv) throws IOException {
        Path dir = Path.of(argv[0]);
        Path bundle = Files.createDirectories(dir.resolve("bundle"));
        try (InputStream in = AotTraining.class.getResourceAsStream("/jrun/training-config.json")) {
            Files.write(bundle.resolve("config.json"), in.readAllBytes());
        }
        for (int i = 0; i < 3; i++) {
            InterceptorArgs args = InterceptorArgs.parse(List.of("--oi-runtime-path=/bin/true",
                    "--oi-readonly-networking-mounts", "--oi-env", "A=1", "--oi-env-force=B=2",
                    "--root", dir.resolve("root").toString(), "--log", dir.resolve("log.json").toString(),
                    "--log-format", "json", "create", "--bundle", bundle.toString(), "--pid-file", "p", "id" + i));
            RuntimeCall call = RuntimeCall.parse(args.runtimeArgs());
            ExecPlan plan = new Interceptor(args, Map.of("PATH", "/usr/bin:/bin")).run(call);
            plan.encode();
            Json.Document doc = ConfigFile.read(bundle.resolve("config.json"));
            Files.writeString(dir.resolve("out.json"), Json.write(doc.root(), doc.style()), StandardCharsets.UTF_8);
            ErrorLog.appendJson(call.logFile(), "error", "training");
        }
        rules(dir, bundle);
        cdi(dir);
        System.out.print(InterceptorArgs.usage().length() > 0 ? "" : "?");
    }
}
