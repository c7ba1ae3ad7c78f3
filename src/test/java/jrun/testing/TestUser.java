package jrun.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real unprivileged user for a rootless test, made by root: a unique name (other workers make
 * theirs concurrently), a home and an XDG_RUNTIME_DIR of its own under /tmp (0700), and a
 * /etc/subuid and /etc/subgid range of SUB_SIZE ids (added by usermod, which locks the files).
 * close() kills what still runs as the user (by pid), removes the ranges, the user and its
 * directories; it runs even when the test failed.
 */
public final class TestUser implements AutoCloseable {
    public static final long SUB_SIZE = 65536;
    public final String name;
    public final int uid, gid;
    public final long subStart;
    /** The user's home (also its working directory): a 0755 directory under /tmp it owns. */
    public final Path home;
    /** Its XDG_RUNTIME_DIR: home/run, 0700. */
    public final Path runtimeDir;

    private TestUser(String name, int uid, int gid, long subStart, Path home) {
        this.name = name;
        this.uid = uid;
        this.gid = gid;
        this.subStart = subStart;
        this.home = home;
        this.runtimeDir = home.resolve("run");
    }

    /** Makes the user; fails (naming the package) without root, useradd or newuidmap. */
    public static TestUser create() throws IOException {
        Require.root("a test that makes a user");
        Require.executable(Path.of("/usr/sbin/useradd"), "passwd");
        Require.executable(Path.of("/usr/bin/newuidmap"), "uidmap");
        Require.executable(Path.of("/usr/bin/setpriv"), "util-linux");
        String name = "jrt" + Long.toString(ProcessHandle.current().pid(), 36) + Long.toString(System.nanoTime() % 1_000_000, 36);
        Path home = Files.createTempDirectory(Path.of("/tmp"), "jrun-user-");
        Cmd.Result r = Cmd.run("useradd", "--no-create-home", "--home-dir", home.toString(), "--shell", "/bin/sh", "--user-group",
                "-K", "SUB_UID_COUNT=0", "-K", "SUB_GID_COUNT=0", name); // no automatic range: only subStart's
        if (r.exit() != 0) {
            Files.deleteIfExists(home);
            throw new AssertionError("useradd " + name + " failed: " + r);
        }
        int uid = Integer.parseInt(Cmd.ok("id", "-u", name).out().strip());
        int gid = Integer.parseInt(Cmd.ok("id", "-g", name).out().strip());
        long start = 1_000_000L + uid * SUB_SIZE; // one range per uid: no two live test users share ids
        TestUser u = new TestUser(name, uid, gid, start, home);
        try {
            String range = start + "-" + (start + SUB_SIZE - 1);
            Cmd.ok("usermod", "--add-subuids", range, "--add-subgids", range, name);
            Files.createDirectories(u.runtimeDir);
            Files.setPosixFilePermissions(u.runtimeDir, PosixFilePermissions.fromString("rwx------"));
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
            Cmd.ok("chown", "-R", uid + ":" + gid, home.toString());
        } catch (RuntimeException | Error | IOException e) {
            try {
                u.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return u;
    }

    /** The environment the user's commands get: HOME, XDG_RUNTIME_DIR, PATH, USER, LOGNAME, plus extra. */
    public Map<String, String> env(Map<String, String> extra) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", home.toString());
        env.put("XDG_RUNTIME_DIR", runtimeDir.toString());
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
        env.put("USER", name);
        env.put("LOGNAME", name);
        env.putAll(extra);
        return env;
    }

    /** argv run as the user (setpriv: its uid, gid and no supplementary groups) in a clean environment. */
    public List<String> argv(Map<String, String> extraEnv, List<String> argv) {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--",
                "env", "-i"));
        for (Map.Entry<String, String> e : env(extraEnv).entrySet()) cmd.add(e.getKey() + "=" + e.getValue());
        cmd.addAll(argv);
        return cmd;
    }

    public Cmd.Result run(String... argv) {
        return run(Map.of(), argv);
    }

    public Cmd.Result run(Map<String, String> extraEnv, String... argv) {
        return Cmd.run(argv(extraEnv, List.of(argv)), home, Map.of(), 120);
    }

    /** A directory under home, owned by the user. */
    public Path dir(String name) throws IOException {
        Path d = Files.createDirectories(home.resolve(name));
        Cmd.ok("chown", uid + ":" + gid, d.toString());
        return d;
    }

    /** Hands a tree made by root to the user. */
    public void own(Path p) {
        Cmd.ok("chown", "-R", uid + ":" + gid, p.toString());
    }

    @Override
    public void close() throws IOException {
        // what still runs as the user (a container, a podman pause process), by pid
        for (int round = 0; round < 3; round++) {
            List<ProcessHandle> mine = ProcessHandle.allProcesses().filter(this::runsAsMe).toList();
            if (mine.isEmpty()) break;
            mine.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle h : mine) {
                try {
                    h.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // a zombie waits for its parent; the next round sees what is left
                }
            }
        }
        String range = subStart + "-" + (subStart + SUB_SIZE - 1);
        Cmd.run("usermod", "--del-subuids", range, "--del-subgids", range, name);
        Cmd.run("userdel", name);
        Sandbox.removeTree(home);
    }

    private boolean runsAsMe(ProcessHandle h) {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/" + h.pid()), "unix:uid")) == uid;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
