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
        // Scanned by index, not split: only the cgroup lines are cut into fields.
        for (int at = 0, eol; at < mountinfo.length(); at = eol + 1) {
            eol = mountinfo.indexOf('\n', at);
            if (eol < 0) eol = mountinfo.length();
            int dash = mountinfo.indexOf(" - ", at);
            if (dash < 0 || dash > eol) continue;
            int type = dash + 3;
            boolean v2 = mountinfo.startsWith("cgroup2 ", type);
            if (!v2 && !mountinfo.startsWith("cgroup ", type)) continue;
            String[] pre = fields(mountinfo, at, dash, 5), post = fields(mountinfo, type, eol, 3);
            if (pre == null || post == null) continue;
            String controllers = v2 ? "" : controllers(post[2]);
            if (!seen.add(controllers)) continue; // the same hierarchy mounted twice
            int comma = controllers.indexOf(',');
            String ownPath = own.getOrDefault(comma < 0 ? controllers : controllers.substring(0, comma), "/");
            out.add(new CgroupHierarchy(MountInfo.unescape(pre[4]), v2, controllers, ownPath, MountInfo.unescape(pre[3])));
        }
        return out;
    }

    /** The first n space-separated fields of s between from and to, or null when it has fewer. */
    private static String[] fields(String s, int from, int to, int n) {
        String[] f = new String[n];
        for (int k = 0, i = from; k < n; k++) {
            if (i > to) return null;
            int sp = s.indexOf(' ', i);
            if (sp < 0 || sp > to) sp = to;
            f[k] = s.substring(i, sp);
            i = sp + 1;
        }
        return f;
    }

    /**
     * /proc/self/cgroup as controller ("memory", "name=systemd"; "" for cgroup2) to the caller's
     * cgroup path. Every controller of a line ("3:cpu,cpuacct:/a") maps to its path.
     */
    public static Map<String, String> ownPaths(String selfCgroup) {
        Map<String, String> own = new HashMap<>();
        for (int at = 0, eol; at < selfCgroup.length(); at = eol + 1) {
            eol = selfCgroup.indexOf('\n', at);
            if (eol < 0) eol = selfCgroup.length();
            int c1 = selfCgroup.indexOf(':', at);
            int c2 = c1 < 0 || c1 > eol ? -1 : selfCgroup.indexOf(':', c1 + 1);
            if (c2 < 0 || c2 > eol) continue;
            String path = selfCgroup.substring(c2 + 1, eol);
            if (c2 == c1 + 1) { // cgroup2's "0::/path" (or any empty controller list)
                own.put("", path);
                continue;
            }
            for (int c = c1 + 1; c < c2; ) {
                int comma = selfCgroup.indexOf(',', c);
                int end = comma < 0 || comma > c2 ? c2 : comma;
                own.put(selfCgroup.substring(c, end), path);
                c = end + 1;
            }
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
