package jrun.linux.seccomp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import jrun.JrunException;
import jrun.spec.ConfigTree;
import jrun.spec.Json;

/**
 * Developer tool and benchmark entry: compiles a linux.seccomp object (or a whole config.json)
 * to a BPF file. {@code java -cp jrun.jar jrun.linux.seccomp.SeccompTool PROFILE.json OUT.bpf}
 */
public final class SeccompTool {
    private SeccompTool() {}

    public static void main(String[] argv) throws IOException {
        if (argv.length != 2) {
            System.err.println("usage: SeccompTool PROFILE.json|config.json OUT.bpf");
            System.exit(2);
        }
        try {
            long t0 = System.nanoTime();
            Map<String, Object> root = ConfigTree.object(Json.parse(Files.readString(Path.of(argv[0]))), argv[0]);
            Map<String, Object> linux = ConfigTree.optObject(root, "linux", "linux");
            Map<String, Object> s = linux == null ? root : ConfigTree.object(linux.get("seccomp"), "linux.seccomp");
            long t1 = System.nanoTime();
            SeccompProgram p = SeccompCompiler.compile(s, linux == null ? argv[0] : "linux.seccomp");
            long t2 = System.nanoTime();
            Files.write(Path.of(argv[1]), p.filter());
            // StringBuilder, not +: this class is not in the AOT cache, and a cold string-concat
            // bootstrap would cost more than the compile it reports on (bench/seccomp-compile.sh)
            for (String w : p.warnings()) System.err.println(new StringBuilder("warning: ").append(w));
            System.err.println(new StringBuilder().append(p.length()).append(" instructions, flags ").append(p.flags())
                    .append("; read+parse ").append((t1 - t0) / 1000).append(" us, compile ").append((t2 - t1) / 1000).append(" us"));
        } catch (JrunException e) {
            System.err.println("SeccompTool: " + e.getMessage());
            System.exit(1);
        }
    }
}
