package jrun.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import jrun.linux.MountInfo;
import jrun.linux.ProcFiles;
import jrun.spec.Json;

/**
 * A private scratch directory for a root test that is torn down safely: close() deletes every
 * container made through it (force), then unmounts everything under the directory, deepest first,
 * before anything is deleted (a recursive delete through a live bind mount deletes host files).
 * {@code new Sandbox()} is a jrun integration test's world: busybox-static bundles and private
 * --root directories for jrun, runc and crun.
 */
public final class Sandbox implements AutoCloseable {
    public static final Path HOME = Home.dir();
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

    /** A root integration test's sandbox under /tmp; fails (with the reason) without root or /bin/busybox. */
    public Sandbox() throws IOException {
        this(rootWorld());
    }

    /** A scratch directory named prefix... in the default temp directory. */
    public Sandbox(String prefix) throws IOException {
        this(Files.createTempDirectory(prefix).toRealPath());
    }

    private Sandbox(Path dir) {
        this.dir = dir;
        jrunRoot = dir.resolve("jrun-root");
        runcRoot = dir.resolve("runc-root");
        crunRoot = dir.resolve("crun-root");
    }

    private static Path rootWorld() throws IOException {
        Require.root("a root integration test");
        Require.executable(Path.of("/bin/busybox"), "busybox-static");
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "jrun-it-");
        // a user-namespaced container's root is not the host's root: it must be able to enter
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    /** Whether the effective uid is 0 (see Require). */
    public static boolean isRoot() {
        return Require.isRoot();
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

    public static Map<String, Object> process(Map<String, Object> c) {
        return jrun.spec.TestConfigs.process(c);
    }

    public static Map<String, Object> linux(Map<String, Object> c) {
        return jrun.spec.TestConfigs.linux(c);
    }

    @SuppressWarnings("unchecked")
    public static List<Object> mounts(Map<String, Object> c) {
        return (List<Object>) c.get("mounts");
    }

    public static void args(Map<String, Object> c, String... args) {
        process(c).put("args", new ArrayList<Object>(List.of(args)));
    }

    /** Environment added to jrun()'s calls (JRUN_ENGINE_SOCKET, JRUN_ENGINE=off ...); cleanup runs without it. */
    public final Map<String, String> jrunEnv = new java.util.HashMap<>();

    /** Runs jrun with this sandbox's --root (and jrunEnv); remembers created ids for cleanup. */
    public Result jrun(String... args) {
        List<String> cmd = new ArrayList<>(List.of(JRUN.toString(), "--root", jrunRoot.toString()));
        cmd.addAll(List.of(args));
        remember("jrun", args);
        return exec(cmd, null, Map.copyOf(jrunEnv));
    }

    /** Runs another build's launcher (a TreeCopy's) with this sandbox's --root; its containers are deleted at close too. */
    public Result jrunAt(Path launcher, String... args) {
        return jrunAt(launcher, Map.of(), args);
    }

    /** jrunAt with env added to this JVM's environment. */
    public Result jrunAt(Path launcher, Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString(), "--root", jrunRoot.toString()));
        cmd.addAll(List.of(args));
        remember("jrun", args);
        return exec(cmd, null, env);
    }

    public Result runc(String... args) {
        List<String> cmd = new ArrayList<>(List.of("runc", "--root", runcRoot.toString()));
        cmd.addAll(List.of(args));
        remember("runc", args);
        return exec(cmd, null);
    }

    /**
     * crun refuses this host's hybrid cgroups: give it a mount namespace without the v2 mount. Its stdin is
     * an empty pipe, never /dev/null: crun 1.8.1 fchowns its std streams to the container's user (fixed
     * upstream in 2025), which with a user namespace gave the host's /dev/null to uid 100000.
     */
    public Result crun(String... args) {
        StringBuilder sh = new StringBuilder(": | { umount /sys/fs/cgroup/unified 2>/dev/null; exec crun --root '" + crunRoot + "'");
        for (String a : args) sh.append(" '").append(a.replace("'", "'\\''")).append('\'');
        sh.append("; }");
        remember("crun", args);
        String before = devNullOwner();
        Result r = exec(List.of("unshare", "-m", "--propagation", "private", "sh", "-c", sh.toString()), null);
        String after = devNullOwner();
        if (!after.equals(before)) throw new AssertionError("crun " + args[0] + " changed the host's /dev/null from " + before + " to " + after);
        return r;
    }

    private static String devNullOwner() {
        try {
            return Files.getAttribute(Path.of("/dev/null"), "unix:uid") + ":" + Files.getAttribute(Path.of("/dev/null"), "unix:gid");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void remember(String runtime, String[] args) { // tests call jrun() from many threads at once
        List<String> l = List.of(args);
        if (l.contains("create") || l.contains("run")) synchronized (created) {
            created.add(new String[] {runtime, l.get(l.size() - 1)});
        }
    }

    /** Runs a shell line (for fd redirections a ProcessBuilder cannot make). */
    public Result sh(String line) {
        return exec(List.of("/bin/sh", "-c", line), null);
    }

    public static Result exec(List<String> cmd, Path cwd) {
        return exec(cmd, cwd, Map.of());
    }

    /** Runs cmd (stdin /dev/null, 60 s at most) with env added to this JVM's environment. */
    public static Result exec(List<String> cmd, Path cwd, Map<String, String> env) {
        Cmd.Result r = Cmd.run(cmd, cwd, env, 60);
        return new Result(r.exit(), r.out(), r.err());
    }

    /** Where jrun puts container id's cgroups by default on this host, for this sandbox's --root. */
    public List<String> cgroupDirs(String id) throws IOException {
        return cgroupDirs(jrunRoot, id);
    }

    /** Where jrun puts container id's cgroups by default on this host, for state root stateRoot. */
    public static List<String> cgroupDirs(Path stateRoot, String id) throws IOException {
        var h = jrun.linux.CgroupHierarchy.parse(ProcFiles.read(Path.of("/proc/self/mountinfo")), ProcFiles.read(Path.of("/proc/self/cgroup")));
        return jrun.runtime.CgroupPlacement.paths("", jrun.runtime.CgroupPlacement.defaultName(stateRoot, id), h).entrySet().stream()
                .map(e -> e.getKey() + e.getValue()).toList();
    }

    /** Mount points at or under dir, deepest first, from /proc/self/mountinfo. */
    public static List<String> mountsUnder(Path dir) throws IOException {
        String prefix = dir.toString();
        List<String> found = new ArrayList<>();
        for (String mp : MountInfo.mountpoints(ProcFiles.read(Path.of("/proc/self/mountinfo"))))
            if (mp.equals(prefix) || mp.startsWith(prefix + "/")) found.add(mp);
        found.sort(Comparator.comparingInt(String::length).reversed());
        return found;
    }

    /** Unmounts (lazily) everything at or under dir, deepest first; fails if anything stays mounted. */
    public static void unmountAll(Path dir) throws IOException {
        for (int round = 0; round < 5; round++) {
            List<String> mounts = mountsUnder(dir);
            if (mounts.isEmpty()) return;
            for (String mp : mounts) Cmd.run("umount", "-l", mp);
        }
        List<String> left = mountsUnder(dir);
        if (!left.isEmpty()) throw new IOException("still mounted under " + dir + ": " + left + " (not deleting)");
    }

    /** Unmounts everything under dir, then deletes it without following symlinks or crossing mounts. */
    public static void removeTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) return;
        unmountAll(dir);
        Cmd.Result r = Cmd.run("rm", "-rf", "--one-file-system", "--", dir.toString());
        if (r.exit() != 0) throw new IOException("rm -rf " + dir + ": " + r);
    }

    /** Removes the (now empty) cgroup directories named parent in every hierarchy, deepest first; rmdir only. */
    public static void removeCgroups(String parent) throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (var roots = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path root : roots.toList()) {
                Path d = root.resolve(parent.substring(1));
                if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) continue;
                try (var walk = Files.walk(d)) {
                    walk.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).forEach(dirs::add);
                }
            }
        }
        dirs.sort((a, b) -> b.getNameCount() - a.getNameCount());
        for (Path d : dirs) Cmd.run("rmdir", d.toString());
    }

    @Override
    public void close() throws IOException {
        for (String[] c : created) {
            switch (c[0]) {
                case "jrun" -> exec(List.of(JRUN.toString(), "--root", jrunRoot.toString(), "delete", "--force", c[1]), null);
                case "runc" -> exec(List.of("runc", "--root", runcRoot.toString(), "delete", "--force", c[1]), null);
                default -> crun("delete", "--force", c[1]);
            }
        }
        created.clear(); // a second close has nothing to delete
        removeTree(dir);
    }
}
