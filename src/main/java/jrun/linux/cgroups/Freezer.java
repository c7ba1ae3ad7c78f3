package jrun.linux.cgroups;

import java.nio.file.Path;

/** Pause and resume: v1 freezer.state FROZEN/THAWED, v2 cgroup.freeze 1/0 (then wait for cgroup.events "frozen 1"). */
public final class Freezer {
    private Freezer() {}

    public static CgroupWrite freeze(CgroupLayout layout, String cgroupPath) {
        return layout.usesV1() && layout.v1().containsKey("freezer")
                ? new CgroupWrite(dir(layout, "freezer", cgroupPath).resolve("freezer.state"), "FROZEN")
                : new CgroupWrite(dir(layout, "", cgroupPath).resolve("cgroup.freeze"), "1");
    }

    public static CgroupWrite thaw(CgroupLayout layout, String cgroupPath) {
        return layout.usesV1() && layout.v1().containsKey("freezer")
                ? new CgroupWrite(dir(layout, "freezer", cgroupPath).resolve("freezer.state"), "THAWED")
                : new CgroupWrite(dir(layout, "", cgroupPath).resolve("cgroup.freeze"), "0");
    }

    /** The file whose content says whether the freeze has completed: "FROZEN" (v1) or a line "frozen 1" (v2). */
    public static Path stateFile(CgroupLayout layout, String cgroupPath) {
        return layout.usesV1() && layout.v1().containsKey("freezer")
                ? dir(layout, "freezer", cgroupPath).resolve("freezer.state")
                : dir(layout, "", cgroupPath).resolve("cgroup.events");
    }

    private static Path dir(CgroupLayout layout, String controller, String cgroupPath) {
        Path d = layout.directory(controller, cgroupPath);
        if (d == null) throw new jrun.JrunException("pause: no freezer here (no v1 freezer controller and no cgroup2 mount)");
        return d;
    }
}
