package jrun.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A private scratch directory for a root test that is torn down safely: every mount under it is
 * unmounted, deepest first, before anything is deleted (a recursive delete through a live bind
 * mount deletes host files).
 */
public final class Sandbox implements AutoCloseable {
    private final Path dir;

    public Sandbox(String prefix) throws IOException {
        this.dir = Files.createTempDirectory(prefix).toRealPath();
    }

    public Path dir() {
        return dir;
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Mount points at or under dir, deepest first, from /proc/self/mountinfo. */
    public static List<String> mountsUnder(Path dir) throws IOException {
        String prefix = dir.toString();
        List<String> found = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            String mp = unescape(f[4]);
            if (mp.equals(prefix) || mp.startsWith(prefix + "/")) found.add(mp);
        }
        found.sort(Comparator.comparingInt(String::length).reversed());
        return found;
    }

    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }

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
        if (!Files.exists(dir)) return;
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
                if (!Files.isDirectory(d, java.nio.file.LinkOption.NOFOLLOW_LINKS)) continue;
                try (var walk = Files.walk(d)) {
                    walk.filter(p -> Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).forEach(dirs::add);
                }
            }
        }
        dirs.sort((a, b) -> b.getNameCount() - a.getNameCount());
        for (Path d : dirs) Cmd.run("rmdir", d.toString());
    }

    @Override
    public void close() throws IOException {
        removeTree(dir);
    }
}
