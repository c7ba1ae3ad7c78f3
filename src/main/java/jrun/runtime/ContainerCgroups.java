package jrun.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import jrun.JrunException;
import jrun.linux.ProcFiles;
import jrun.linux.cgroups.CgroupLayout;
import jrun.linux.cgroups.CgroupStats;

/**
 * A container's cgroup directories (as saved in its state) by controller: the freezer for
 * pause/resume, the counters for events --stats. v1 freezer when mounted, else cgroup2's
 * cgroup.freeze, as runc.
 */
public final class ContainerCgroups {
    private final CgroupLayout layout;
    private final Function<String, Path> dirOf;

    public ContainerCgroups(CgroupLayout layout, List<String> dirs) {
        this.layout = layout;
        this.dirOf = controller -> {
            CgroupLayout.Mount m = controller.isEmpty() ? layout.unified() : layout.v1().get(controller);
            if (m == null) return null;
            String top = m.mountPoint().toString() + "/";
            for (String d : dirs) if (d.startsWith(top)) return Path.of(d);
            return null;
        };
    }

    /** Frozen, judged from the directories alone: a v1 freezer.state, else cgroup2's cgroup.freeze. */
    public static boolean frozen(List<String> dirs) {
        String v2 = null;
        // exists() first: a failed open throws, and an exception costs ~50 us interpreted; the
        // v1 freezer comes after several other hierarchies, and every command on a running container asks.
        for (String d : dirs) {
            if (new java.io.File(d, "freezer.state").exists()) {
                String s = ProcStat.read(d + "/freezer.state");
                if (s != null) return !s.strip().equals("THAWED");
            }
            if (v2 == null && new java.io.File(d, "cgroup.freeze").exists()) v2 = ProcStat.read(d + "/cgroup.freeze");
        }
        return v2 != null && v2.strip().equals("1");
    }

    /**
     * Thaws whatever of dirs is frozen, judged from the directories alone (as frozen()): a killed
     * process in a frozen v1 cgroup does not die until it is thawed, so delete --force of a paused
     * container thaws after its SIGKILL, as runc does. Failures are left to the removal to report.
     */
    public static void thaw(List<String> dirs) {
        for (String d : dirs) {
            try {
                if (new java.io.File(d, "freezer.state").exists() && !ProcStat.read(d + "/freezer.state").strip().equals("THAWED"))
                    ProcFiles.write(d + "/freezer.state", "THAWED".getBytes(StandardCharsets.US_ASCII));
                else if (new java.io.File(d, "cgroup.freeze").exists() && ProcStat.read(d + "/cgroup.freeze").strip().equals("1"))
                    ProcFiles.write(d + "/cgroup.freeze", "0".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException | RuntimeException e) {
                // gone meanwhile, or not ours to thaw: rmdir says what is wrong
            }
        }
    }

    /**
     * Freezes every freezer of dirs (a v1 freezer.state, a cgroup2 cgroup.freeze), judged from the
     * directories alone, and waits up to 500 ms for the kernel to say it is done: delete kills a
     * frozen container, so no process forks while its list is read and each one killed (a fork
     * loop outran the kill otherwise). Best effort: a cgroup that cannot be frozen is killed all
     * the same, and thaw() undoes this, so the kills land.
     */
    public static void freezeAll(List<String> dirs) {
        List<Path> waiting = new java.util.ArrayList<>();
        // one freezer: a task the v1 freezer holds never reaches cgroup2's freeze (hybrid hosts)
        boolean v1 = false;
        for (String d : dirs) v1 |= new java.io.File(d, "freezer.state").exists();
        for (String d : dirs) {
            try {
                if (v1 && new java.io.File(d, "freezer.state").exists()) {
                    ProcFiles.write(d + "/freezer.state", "FROZEN".getBytes(StandardCharsets.US_ASCII));
                    waiting.add(Path.of(d, "freezer.state"));
                } else if (!v1 && new java.io.File(d, "cgroup.freeze").exists()) {
                    ProcFiles.write(d + "/cgroup.freeze", "1".getBytes(StandardCharsets.US_ASCII));
                    waiting.add(Path.of(d, "cgroup.events"));
                }
            } catch (IOException | RuntimeException e) {
                // gone meanwhile: nothing to freeze
            }
        }
        for (int i = 0; i < 500 && !waiting.isEmpty(); i++) {
            waiting.removeIf(f -> {
                String s = ProcStat.read(f.toString());
                return s == null || (f.getFileName().toString().equals("freezer.state") ? s.strip().equals("FROZEN") : s.contains("frozen 1"));
            });
            if (!waiting.isEmpty()) CgroupPlacement.sleep(1);
        }
    }

    public Function<String, Path> dirOf() {
        return dirOf;
    }

    private Path freezerFile() {
        Path v1 = layout.usesV1() ? dirOf.apply("freezer") : null;
        if (v1 != null) return v1.resolve("freezer.state");
        Path v2 = dirOf.apply("");
        if (v2 != null) return v2.resolve("cgroup.freeze");
        throw new JrunException("the container has no freezer cgroup (no v1 freezer and no cgroup2 directory)");
    }

    public boolean isFrozen() {
        try {
            Path f = freezerFile();
            if (!Files.exists(f)) return false;
            String s = ProcFiles.read(f).strip();
            return f.getFileName().toString().equals("freezer.state") ? !s.equals("THAWED") : s.equals("1");
        } catch (IOException | JrunException e) {
            return false;
        }
    }

    /** Freezes (or thaws) and waits until the kernel says it is done. */
    public void freeze(boolean frozen) {
        Path f = freezerFile();
        boolean v1 = f.getFileName().toString().equals("freezer.state");
        String value = v1 ? (frozen ? "FROZEN" : "THAWED") : (frozen ? "1" : "0");
        for (int attempt = 0; attempt < 1000; attempt++) {
            try {
                Files.write(f, value.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                String now = ProcFiles.read(v1 ? f : f.resolveSibling("cgroup.events"));
                if (v1 ? now.strip().equals(value) : now.contains("frozen " + (frozen ? "1" : "0"))) return;
            } catch (IOException e) {
                throw new JrunException(f + ": cannot write \"" + value + "\": " + e.getMessage(), e);
            }
            CgroupPlacement.sleep(1); // v1 FREEZING: retry, as runc does
        }
        throw new JrunException(f + ": the container did not " + (frozen ? "freeze" : "thaw") + " in time");
    }

    public Map<String, Object> stats() {
        if (layout.usesV1()) return CgroupStats.readV1(dirOf);
        Path d = dirOf.apply("");
        if (d == null) throw new JrunException("the container has no cgroup2 directory");
        return CgroupStats.readV2(d);
    }

    public long oomKills() {
        Path mem = layout.usesV1() ? dirOf.apply("memory") : dirOf.apply("");
        return mem == null ? 0 : CgroupStats.oomKills(mem, !layout.usesV1());
    }
}
