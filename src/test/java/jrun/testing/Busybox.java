package jrun.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import jrun.spec.ConfigTree;
import jrun.spec.Json;

/** Builds a busybox-static rootfs and an OCI bundle for it, the way a user would with `runc spec`. */
public final class Busybox {
    private Busybox() {}

    public static final Path BUSYBOX = Path.of("/bin/busybox");

    public static Path rootfs(Path dir) throws IOException {
        Path root = dir.resolve("rootfs");
        for (String d : List.of("bin", "etc", "proc", "sys", "dev", "tmp", "root", "run")) Files.createDirectories(root.resolve(d));
        Files.copy(BUSYBOX, root.resolve("bin/busybox"));
        for (String app : Cmd.ok(BUSYBOX.toString(), "--list").out().split("\n")) {
            if (!app.isBlank() && !app.equals("busybox")) Files.createSymbolicLink(root.resolve("bin").resolve(app.trim()), Path.of("busybox"));
        }
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\nnogroup:x:65534:\n");
        Files.writeString(root.resolve("etc/hosts"), "127.0.0.1 localhost\n");
        return root;
    }

    /** A bundle made by `runc spec` (terminal off) running args; returns the bundle dir. */
    public static Path bundle(Path dir, String... args) throws IOException {
        Path bundle = Files.createDirectories(dir.resolve("bundle"));
        rootfs(bundle);
        Cmd.ok("runc", "spec", "--bundle", bundle.toString());
        Map<String, Object> c = config(bundle);
        Map<String, Object> process = ConfigTree.object(c.get("process"), "process");
        process.put("terminal", false);
        process.put("args", List.of(args));
        writeConfig(bundle, c);
        return bundle;
    }

    public static Map<String, Object> config(Path bundle) throws IOException {
        return ConfigTree.object(Json.parse(Files.readString(bundle.resolve("config.json"))), "");
    }

    public static void writeConfig(Path bundle, Map<String, Object> c) throws IOException {
        Files.writeString(bundle.resolve("config.json"), Json.write(c, Json.Style.TWO_SPACES));
    }
}
