package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import jrun.linux.MountInfo;
import jrun.spec.Json;

/**
 * A private world for one root integration test: a temp dir with busybox-static bundles and
 * private --root dirs for jrun, runc and crun. close() deletes every container (force), then
 * unmounts anything left under the dir (umount -l, deepest first) before removing it, so a
 * failing test never leaves a mount, a process or a bind-mounted host file at risk.
 */
public final class Sandbox implements AutoCloseable {
    public static final Path HOME = Path.of(System.getProperty("jrun.home", ".")).toAbsolutePath();
    public static final Path JRUN = HOME.resolve("bin/jrun");
    public final Path dir;
    public final Path jrunRoot, runcRoot, crunRoot;
    private final List<String[]> created = new ArrayList<>();

    public record Result(int status, String out, String err) {
        public Result ok() {
            assertEquals(0, status, "exit status; stderr: " + err + "; stdout: " + out);
            return this;
        }
    }

    public Sandbox() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "root integration test: run as root (CI does)");
        assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "needs busybox-static at /bin/busybox");
        dir = Files.createTempDirectory(Path.of("/tmp"), "jrun-it-");
        // a user-namespaced container's root is not the host's root: it must be able to enter
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        jrunRoot = dir.resolve("jrun-root");
        runcRoot = dir.resolve("runc-root");
        crunRoot = dir.resolve("crun-root");
    }

    /** A bundle with a busybox rootfs and jrun's default config, edited by the caller. */
    @SuppressWarnings("unchecked")
    public Path bundle(String name, Consumer<Map<String, Object>> edit) throws IOException {
        Path b = dir.resolve(name);
        Path bin = Files.createDirectories(b.resolve("rootfs/bin"));
        Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
        for (String t : List.of("sh", "ls", "cat", "echo", "hostname", "true", "false", "sleep", "id", "grep", "stat",
                "readlink", "head", "sed", "env", "pwd", "umask", "wc", "mount", "tty", "stty", "ps", "touch", "sort"))
            Files.createSymbolicLink(bin.resolve(t), Path.of("busybox"));
        for (String d : List.of("tmp", "etc", "proc", "sys", "dev")) Files.createDirectories(b.resolve("rootfs").resolve(d));
        String text;
        try (var in = Sandbox.class.getResourceAsStream("/jrun/spec-default.json")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, Object> config = (Map<String, Object>) Json.parse(text);
        Map<String, Object> process = (Map<String, Object>) config.get("process");
        process.put("terminal", Boolean.FALSE);
        ((Map<String, Object>) config.get("root")).put("readonly", Boolean.FALSE);
        edit.accept(config);
        Files.writeString(b.resolve("config.json"), Json.write(config, Json.Style.TWO_SPACES));
        return b;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> process(Map<String, Object> c) {
        return (Map<String, Object>) c.get("process");
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> linux(Map<String, Object> c) {
        return (Map<String, Object>) c.get("linux");
    }

    @SuppressWarnings("unchecked")
    public static List<Object> mounts(Map<String, Object> c) {
        return (List<Object>) c.get("mounts");
    }

    public static void args(Map<String, Object> c, String... args) {
        process(c).put("args", new ArrayList<Object>(List.of(args)));
    }

    /** Runs jrun with this sandbox's --root; remembers created ids for cleanup. */
    public Result jrun(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(JRUN.toString(), "--root", jrunRoot.toString()));
        cmd.addAll(List.of(args));
        remember("jrun", args);
        return exec(cmd, null);
    }

    public Result runc(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("runc", "--root", runcRoot.toString()));
        cmd.addAll(List.of(args));
        remember("runc", args);
        return exec(cmd, null);
    }

    /** crun refuses this host's hybrid cgroups: give it a mount namespace without the v2 mount. */
    public Result crun(String... args) throws IOException, InterruptedException {
        StringBuilder sh = new StringBuilder("umount /sys/fs/cgroup/unified 2>/dev/null; exec crun --root '" + crunRoot + "'");
        for (String a : args) sh.append(" '").append(a.replace("'", "'\\''")).append('\'');
        remember("crun", args);
        return exec(List.of("unshare", "-m", "--propagation", "private", "sh", "-c", sh.toString()), null);
    }

    private void remember(String runtime, String[] args) {
        List<String> l = List.of(args);
        if (l.contains("create") || l.contains("run")) created.add(new String[] {runtime, l.get(l.size() - 1)});
    }

    /** Runs a shell line (for fd redirections a ProcessBuilder cannot make). */
    public Result sh(String line) throws IOException, InterruptedException {
        return exec(List.of("/bin/sh", "-c", line), null);
    }

    public static Result exec(List<String> cmd, Path cwd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (cwd != null) pb.directory(cwd.toFile());
        Path out = Files.createTempFile("jrun-it", ".out"), err = Files.createTempFile("jrun-it", ".err");
        try {
            pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Process p = pb.start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + cmd);
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Where jrun puts container id's cgroups by default on this host, for this sandbox's --root. */
    public List<String> cgroupDirs(String id) throws IOException {
        var h = jrun.linux.CgroupHierarchy.parse(Files.readString(Path.of("/proc/self/mountinfo")), Files.readString(Path.of("/proc/self/cgroup")));
        return jrun.runtime.CgroupPlacement.paths("", jrun.runtime.CgroupPlacement.defaultName(jrunRoot, id), h).entrySet().stream()
                .map(e -> e.getKey() + e.getValue()).toList();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (String[] c : created) {
            switch (c[0]) {
                case "jrun" -> exec(List.of(JRUN.toString(), "--root", jrunRoot.toString(), "delete", "--force", c[1]), null);
                case "runc" -> exec(List.of("runc", "--root", runcRoot.toString(), "delete", "--force", c[1]), null);
                default -> crun("delete", "--force", c[1]);
            }
        }
        unmountUnder(dir);
        deleteTree(dir);
    }

    /** Every mount under dir, deepest first, lazily: nothing below it can be deleted through a mount. */
    static void unmountUnder(Path dir) throws IOException, InterruptedException {
        String prefix = dir.toString() + "/";
        List<String> points = new ArrayList<>();
        for (String m : MountInfo.mountpoints(Files.readString(Path.of("/proc/self/mountinfo"))))
            if (m.startsWith(prefix) || m.equals(dir.toString())) points.add(m);
        points.sort(Comparator.comparingInt(String::length).reversed());
        for (String m : points) exec(List.of("umount", "-l", m), null);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) return;
        try (var walk = Files.walk(dir)) { // walk does not follow symlinks
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
