package jrun.interceptor;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

import jrun.JrunException;

/** Finds the runtime to exec, as execvp would, so a missing one is our error and not a silent exec failure. */
public final class RuntimeLocator {
    private RuntimeLocator() {}

    public static String resolve(String runtime, String pathEnv) {
        if (runtime.contains("/")) {
            Path p = Path.of(runtime);
            if (!Files.exists(p)) throw new JrunException("runtime " + runtime + " (--oi-runtime-path): no such file");
            if (Files.isDirectory(p) || !Files.isExecutable(p))
                throw new JrunException("runtime " + runtime + " (--oi-runtime-path): not an executable file");
            return p.toAbsolutePath().toString();
        }
        String path = pathEnv == null || pathEnv.isEmpty() ? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" : pathEnv;
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, runtime);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return p.toAbsolutePath().toString();
        }
        throw new JrunException("runtime \"" + runtime + "\" not found in PATH (set --oi-runtime-path)");
    }
}
