package jrun.linux;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One mounted cgroup hierarchy of the host (v1 controller, named v1, or the v2 unified tree)
 * and the cgroup jrun itself sits in there. Parsed from /proc/self/mountinfo and /proc/self/cgroup.
 */
public record CgroupHierarchy(String mountpoint, boolean v2, String controllers, String ownPath) {

    public static List<CgroupHierarchy> parse(String mountinfo, String selfCgroup) {
        List<CgroupHierarchy> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String line : mountinfo.split("\n")) {
            int dash = line.indexOf(" - ");
            if (dash < 0) continue;
            String[] pre = line.substring(0, dash).split(" ");
            String[] post = line.substring(dash + 3).split(" ");
            if (pre.length < 5 || post.length < 3) continue;
            boolean v2 = post[0].equals("cgroup2");
            if (!v2 && !post[0].equals("cgroup")) continue;
            String controllers = v2 ? "" : controllers(post[2]);
            if (!seen.add(controllers)) continue; // the same hierarchy mounted twice
            out.add(new CgroupHierarchy(MountInfo.unescape(pre[4]), v2, controllers, ownPath(selfCgroup, v2, controllers)));
        }
        return out;
    }

    private static String controllers(String superOptions) {
        List<String> c = new ArrayList<>();
        for (String o : superOptions.split(","))
            if (!o.equals("rw") && !o.equals("ro") && !o.startsWith("release_agent") && !o.equals("clone_children")
                    && !o.equals("noprefix") && !o.equals("xattr") && !o.startsWith("cpuset_v2")) c.add(o);
        return String.join(",", c);
    }

    private static String ownPath(String selfCgroup, boolean v2, String controllers) {
        Set<String> want = new HashSet<>(Arrays.asList(controllers.split(",")));
        for (String line : selfCgroup.split("\n")) {
            String[] p = line.split(":", 3);
            if (p.length < 3) continue;
            if (v2 ? p[0].equals("0") && p[1].isEmpty() : new HashSet<>(Arrays.asList(p[1].split(","))).equals(want)) return p[2];
        }
        return "/";
    }

    /** The short name of the hierarchy's mount directory (cpu, memory, systemd, unified). */
    public String dirName() {
        return mountpoint.substring(mountpoint.lastIndexOf('/') + 1);
    }
}
