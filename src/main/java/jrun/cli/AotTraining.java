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
            try (InputStream in = AotTraining.class.getResourceAsStream("/jrun/linux/seccomp/docker-20.10.24-default.json")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> profile = (Map<String, Object>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                jrun.linux.seccomp.SeccompCompiler.compile(profile, "linux.seccomp"); // runs at every create
            }
        }
        System.out.print(InterceptorArgs.usage().length() > 0 ? "" : "?");
    }
}
