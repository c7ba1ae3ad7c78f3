package jrun.runtime;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jrun.JrunException;
import jrun.linux.CgroupHierarchy;
import jrun.linux.ProcFiles;

/**
 * The container's cgroup in every mounted hierarchy (v1, hybrid or pure v2): made at create,
 * the init placed in it, removed at delete. Resource limits are written by jrun.linux (issue 5)
 * into the same directories; this class only makes, fills and removes them.
 */
public final class CgroupPlacement {
    private CgroupPlacement() {}

    /**
     * The cgroup name when config.json gives none: under jrun's own cgroup, named for the
     * container and for its --root, so the same id under two roots never shares a cgroup (and
     * `kill --all` or delete of one never reaches the other's processes).
     */
    public static String defaultName(java.nio.file.Path root, String id) {
        // String.hashCode's formula is part of its contract, so the name is the same in every JVM;
        // CRC32 loaded libzip on the create's critical path. Not String.format: its Formatter costs ~1 ms interpreted.
        String hex = Integer.toHexString(root.toAbsolutePath().normalize().toString().hashCode());
        return "jrun-" + "00000000".substring(hex.length()) + hex + "-" + id;
    }

    /** hierarchy mount point -> the container's cgroup path there (defaultName when cgroupsPath is empty). */
    public static Map<String, String> paths(String cgroupsPath, String defaultName, List<CgroupHierarchy> hierarchies) {
        if (cgroupsPath.contains(":"))
            throw new JrunException("linux.cgroupsPath: \"" + cgroupsPath + "\" is a systemd slice path; jrun has no systemd cgroup driver");
        if (cgroupsPath.contains(".."))
            throw new JrunException("linux.cgroupsPath: \"" + cgroupsPath + "\" must not contain \"..\"");
        Map<String, String> out = new LinkedHashMap<>();
        for (CgroupHierarchy h : hierarchies) {
            String p;
            if (cgroupsPath.startsWith("/")) p = cgroupsPath;
            else {
                String own = h.ownPath().equals("/") ? "" : h.ownPath();
                p = own + "/" + (cgroupsPath.isEmpty() ? defaultName : cgroupsPath);
            }
            out.put(h.mountpoint(), normalize(p));
        }
        return out;
    }

    /** Runs of '/' become one, and a trailing '/' goes (but "/" stays): plain code, as two regexes per hierarchy cost ~2 ms interpreted. */
    static String normalize(String p) {
        StringBuilder sb = new StringBuilder(p.length());
        for (int k = 0; k < p.length(); k++) {
            char c = p.charAt(k);
            if (c != '/' || sb.length() == 0 || sb.charAt(sb.length() - 1) != '/') sb.append(c);
        }
        if (sb.length() > 1 && sb.charAt(sb.length() - 1) == '/') sb.setLength(sb.length() - 1);
        return sb.toString();
    }

    /** The leaves create(paths) makes, in its order: each hierarchy's mount point and the path there. */
    public static List<String> dirs(Map<String, String> paths) {
        List<String> dirs = new ArrayList<>(paths.size());
        for (Map.Entry<String, String> e : paths.entrySet()) dirs.add(e.getKey() + e.getValue());
        return dirs;
    }

    /** Makes each directory; returns the leaves (what delete removes, = dirs(paths)). One in use already is an error. */
    public static List<String> create(Map<String, String> paths) {
        return create(paths, Set.of());
    }

    /**
     * create(paths), where noCpuset names the mount points of v1 hierarchies without the cpuset
     * controller: their new directories need no look for cpuset files (a stat each, ~20 us interpreted).
     */
    public static List<String> create(Map<String, String> paths, Set<String> noCpuset) {
        List<String> dirs = new ArrayList<>();
        try {
            for (Map.Entry<String, String> e : paths.entrySet()) {
                String d = e.getKey() + e.getValue();
                if (!make(e.getKey(), new File(d), !noCpuset.contains(e.getKey())) && !pids(List.of(d)).isEmpty())
                    throw new JrunException("linux.cgroupsPath: cgroup " + d + " already holds processes of something else");
                dirs.add(d);
            }
        } catch (JrunException e) {
            remove(dirs); // the hierarchies done before the failing one
            throw e;
        }
        return dirs;
    }

    /**
     * Makes d, and its missing parents below top; false if d was there already. The mkdir comes
     * first and the checks only when it fails: one syscall per new cgroup in the common case.
     * java.io.File, not Files: a create makes one in each of up to a dozen hierarchies, and NIO's
     * path objects and exceptions cost ~0.1 ms each interpreted; NIO names the error on failure.
     */
    private static boolean make(String top, File d, boolean cpuset) {
        if (d.getPath().equals(top)) return false;
        if (!d.mkdir()) {
            if (d.isDirectory()) return false;
            File parent = d.getParentFile();
            if (parent != null && !parent.isDirectory()) make(top, parent, cpuset);
            if (!d.mkdir()) {
                if (d.isDirectory()) return false; // made by someone else meanwhile
                try {
                    Files.createDirectory(d.toPath());
                } catch (java.nio.file.FileAlreadyExistsException ex) { // its message is the bare path
                    throw new JrunException("linux.cgroupsPath: cgroup " + d + ": cannot create: a file is in the way", ex);
                } catch (IOException ex) {
                    throw new JrunException("linux.cgroupsPath: cgroup " + d + ": cannot create: " + ex.getMessage(), ex);
                }
            }
        }
        if (cpuset) inheritCpuset(d);
        return true;
    }

    /** The mount points of v1 hierarchies without the cpuset controller (for create). */
    public static Set<String> withoutCpuset(List<CgroupHierarchy> hierarchies) {
        Set<String> out = new java.util.HashSet<>();
        for (CgroupHierarchy h : hierarchies)
            if (!h.v2() && !("," + h.controllers() + ",").contains(",cpuset,")) out.add(h.mountpoint());
        return out;
    }

    /** A new v1 cpuset starts empty and refuses tasks: it inherits its parent's cpus and mems. */
    private static void inheritCpuset(File d) {
        for (String f : new String[] {"cpuset.cpus", "cpuset.mems"}) {
            File file = new File(d, f);
            if (!file.exists()) return; // not a cpuset hierarchy
            String mine = ProcStat.read(file.getPath());
            if (mine != null && mine.isBlank()) {
                String parent = ProcStat.read(d.getParent() + "/" + f);
                try {
                    if (parent != null) ProcFiles.write(file.getPath(), parent.strip().getBytes(StandardCharsets.US_ASCII));
                } catch (IOException ex) {
                    throw new JrunException("linux.cgroupsPath: cgroup " + d + ": cannot set " + f + ": " + ex.getMessage(), ex);
                }
            }
        }
    }

    /**
     * Starts, on a thread, the kernel's wait that the first write to any cgroup.procs pays: the
     * global migration lock first waits an RCU grace period (measured 12 ms here, then 0.01 ms per
     * write while it stays warm). The thread moves this JVM into the cgroup it is already in (a
     * no-op move), so place() a few milliseconds later finds the lock warm. Best effort.
     */
    public static void warmUp(List<CgroupHierarchy> hierarchies) {
        if (hierarchies.isEmpty()) return;
        CgroupHierarchy h = hierarchies.get(0);
        Thread t = new Thread(new WarmUp(Path.of(h.mountpoint() + h.ownPath(), "cgroup.procs")), "cgroup-warm-up");
        t.setDaemon(true);
        t.start();
    }

    private record WarmUp(Path procs) implements Runnable {
        @Override
        public void run() {
            try {
                ProcFiles.write(procs.toString(), ZERO); // "0": the writer's own process
            } catch (IOException | RuntimeException ignored) {
                // only a warm-up: place() reports real failures
            }
        }
    }

    private static final byte[] ZERO = {'0'};

    /** Writes pid to cgroup.procs of every directory (on v1 the first write costs an RCU grace period). */
    public static void place(List<String> dirs, long pid) {
        byte[] text = Long.toString(pid).getBytes(StandardCharsets.US_ASCII);
        for (String d : dirs) {
            Path procs = Path.of(d, "cgroup.procs");
            try {
                ProcFiles.write(procs.toString(), text);
            } catch (IOException e) {
                throw new JrunException("linux.cgroupsPath: " + procs + ": cannot add pid " + pid + ": " + e.getMessage(), e);
            }
        }
    }

    public static Set<Long> pids(List<String> dirs) {
        Set<Long> out = new LinkedHashSet<>();
        for (String d : dirs) {
            String text = ProcStat.read(d + "/cgroup.procs");
            if (text == null) continue;
            for (String line : text.split("\n")) if (!line.isBlank()) out.add(Long.parseLong(line.trim()));
        }
        return out;
    }

    /** rmdir each; the kernel may still be letting a dead process go, so a busy one is retried. */
    public static void remove(List<String> dirs) {
        for (String d : dirs) {
            for (int attempt = 0;; attempt++) {
                try {
                    Files.deleteIfExists(Path.of(d));
                    break;
                } catch (NoSuchFileException e) {
                    break;
                } catch (DirectoryNotEmptyException e) {
                    throw new JrunException("cgroup " + d + ": cannot remove: it has child cgroups", e);
                } catch (FileSystemException e) {
                    if (attempt >= 100) throw new JrunException("cgroup " + d + ": cannot remove: " + e.getReason(), e);
                    sleep(10);
                } catch (IOException e) {
                    throw new JrunException("cgroup " + d + ": cannot remove: " + e.getMessage(), e);
                }
            }
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
