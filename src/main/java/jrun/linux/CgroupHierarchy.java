package jrun.linux;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One mounted cgroup hierarchy of the host (v1 controller, named v1, or the v2 unified tree)
 * and the cgroup jrun itself sits in there. Parsed from /proc/self/mountinfo and /proc/self/cgroup;
 * this is the one parser of both (jrun.linux.cgroups.CgroupLayout is built from it). Plain loops:
 * every command parses these in a fresh, interpreted JVM.
 *
 * @param root the cgroup path the mount shows as its top ("/" unless the mount is a nested view)
 */
public record CgroupHierarchy(String mountpoint, boolean v2, String controllers, String ownPath, String root) {

    public static List<CgroupHierarchy> parse(String mountinfo, String selfCgroup) {
        return parse(mountinfo, ownPaths(selfCgroup));
    }

    /** The hierarchies in mountinfo order, the first mount of each; own is {@link #ownPaths}. */
    public static List<CgroupHierarchy> parse(String mountinfo, Map<String, String> own) {
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
            int comma = controllers.indexOf(',');
            String ownPath = own.getOrDefault(comma < 0 ? controllers : controllers.substring(0, comma), "/");
            out.add(new CgroupHierarchy(MountInfo.unescape(pre[4]), v2, controllers, ownPath, MountInfo.unescape(pre[3])));
        }
        return out;
    }

    /**
     * /proc/self/cgroup as controller ("memory", "name=systemd"; "" for cgroup2) to the caller's
     * cgroup path. Every controller of a line ("3:cpu,cpuacct:/a") maps to its path.
     */
    public static Map<String, String> ownPaths(String selfCgroup) {
        Map<String, String> own = new HashMap<>();
        for (String line : selfCgroup.split("\n")) {
            String[] p = line.split(":", 3);
            if (p.length < 3) continue;
            if (p[0].equals("0") && p[1].isEmpty()) own.put("", p[2]);
            else for (String c : p[1].split(",")) own.put(c, p[2]);
        }
        return own;
    }

    private static String controllers(String superOptions) {
        StringBuilder c = new StringBuilder();
        for (String o : superOptions.split(","))
            if (!o.equals("rw") && !o.equals("ro") && !o.startsWith("release_agent") && !o.equals("clone_children")
                    && !o.equals("noprefix") && !o.equals("xattr") && !o.startsWith("cpuset_v2")) {
                if (!c.isEmpty()) c.append(',');
                c.append(o);
            }
        return c.toString();
    }

    /** The short name of the hierarchy's mount directory (cpu, memory, systemd, unified). */
    public String dirName() {
        return mountpoint.substring(mountpoint.lastIndexOf('/') + 1);
    }
}
