package jrun.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import jrun.interceptor.InterceptorArgs;
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
        Path log = dir.resolve("log.json");
        for (int i = 0; i < 3; i++) {
            // the real entry points, so their classes, string concatenations and lambdas are in the cache
            Files.writeString(bundle.resolve("config.json"), Files.readString(bundle.resolve("config.json"))
                    .replace("\"ro\"", "\"rw\""));
            InterceptorMain.execute(new String[] {"--oi-runtime-path=sh", "--oi-readonly-networking-mounts",
                "--oi-env", "A=" + i, "--oi-env-force=B=2", "--root", dir.resolve("root").toString(), "--log", log.toString(),
                "--log-format", "json", "create", "--bundle", bundle.toString(), "--pid-file", "p", "id" + i}, 1);
            InterceptorMain.execute(new String[] {"--oi-runtime-path=sh", "--oi-env", "BAD", "--log", log.toString(),
                "--log-format", "json", "create", "id"}, 1);
            InterceptorMain.execute(new String[] {"--oi-runtime-path=sh", "--oi-write-debug-output", "--oi-debug-output-dir",
                dir.resolve("debug").toString(), "--oi-env=A=1", "exec", "--process", bundle.resolve("config.json").toString(), "id"}, 1);
            Json.Document doc = ConfigFile.read(bundle.resolve("config.json"));
            Files.writeString(dir.resolve("out.json"), Json.write(doc.root(), doc.style()), StandardCharsets.UTF_8);
        }
        System.out.print(InterceptorArgs.usage().length() > 0 ? "" : "?");
    }
}
