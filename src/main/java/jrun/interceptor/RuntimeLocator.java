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
            Path p = jrun.Invocation.current().path(runtime);
            if (!Files.exists(p)) throw new JrunException("runtime " + runtime + " (--oi-runtime-path): no such file");
            if (Files.isDirectory(p) || !Files.isExecutable(p))
                throw new JrunException("runtime " + runtime + " (--oi-runtime-path): not an executable file");
            return p.toString();
        }
        String path = pathEnv == null || pathEnv.isEmpty() ? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" : pathEnv;
        // -1: a trailing empty entry is the current directory too, as for execvp
        for (String dir : path.split(":", -1)) {
            // relative entries are the caller's (the engine's own directory is not); java.io.File's
            // checks, as a miss here is the common case and NIO's throws an exception for each
            Path p = jrun.Invocation.current().path(dir.isEmpty() ? "." : dir).resolve(runtime);
            File f = p.toFile();
            if (f.isFile() && f.canExecute()) return p.toString();
        }
        throw new JrunException("runtime \"" + runtime + "\" not found in PATH (set --oi-runtime-path)");
    }
}
