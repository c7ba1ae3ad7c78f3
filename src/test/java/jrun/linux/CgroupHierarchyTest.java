package jrun.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class CgroupHierarchyTest {
    static final String MOUNTINFO = """
            31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
            32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
            35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
            40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
            41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
            99 31 0:32 / /mnt/other\\040dir rw,relatime - cgroup cgroup rw,memory
            """;
    static final String SELF = """
            9:name=systemd:/
            4:memory:/process_api/abc
            1:cpu:/
            0::/
            """;

    /** The field-splitting parse the index scan replaced, as an oracle. */
    static List<CgroupHierarchy> bySplit(String mountinfo, java.util.Map<String, String> own) {
        List<CgroupHierarchy> out = new java.util.ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String line : mountinfo.split("\n")) {
            int dash = line.indexOf(" - ");
            if (dash < 0) continue;
            String[] pre = line.substring(0, dash).split(" "), post = line.substring(dash + 3).split(" ");
            if (pre.length < 5 || post.length < 3) continue;
            boolean v2 = post[0].equals("cgroup2");
            if (!v2 && !post[0].equals("cgroup")) continue;
            String controllers = "";
            if (!v2)
                for (String o : post[2].split(","))
                    if (!o.equals("rw") && !o.equals("ro") && !o.startsWith("release_agent") && !o.equals("clone_children")
                            && !o.equals("noprefix") && !o.equals("xattr") && !o.startsWith("cpuset_v2"))
                        controllers = controllers.isEmpty() ? o : controllers + "," + o;
            if (!seen.add(controllers)) continue;
            int comma = controllers.indexOf(',');
            out.add(new CgroupHierarchy(MountInfo.unescape(pre[4]), v2, controllers,
                    own.getOrDefault(comma < 0 ? controllers : controllers.substring(0, comma), "/"), MountInfo.unescape(pre[3])));
        }
        return out;
    }

    @Test
    void theScanAgreesWithSplittingOnThisHostAndOnOddLines() throws Exception {
        String mi = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/mountinfo"));
        String self = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/cgroup"));
        var own = CgroupHierarchy.ownPaths(self);
        assertEquals(bySplit(mi, own), CgroupHierarchy.parse(mi, own));
        String odd = MOUNTINFO + "50 31 0:40 /\n" + "51 31 0:41 - cgroup cgroup rw,pids\n" + "52 31 0:42 / /x rw - cgroup\n"
                + "53 31 0:43 /sub /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n" + "no dash here\n\n"
                + "54 31 0:44 / /y rw - cgroup2 cgroup2 rw,nsdelegate"; // no final newline
        assertEquals(bySplit(odd, Map.of()), CgroupHierarchy.parse(odd, Map.of()));
        assertEquals(java.util.Map.of("name=systemd", "/", "memory", "/process_api/abc", "cpu", "/", "", "/"), CgroupHierarchy.ownPaths(SELF));
    }

    @Test
    void parsesHybridHost() {
        List<CgroupHierarchy> h = CgroupHierarchy.parse(MOUNTINFO, SELF);
        assertEquals(List.of(new CgroupHierarchy("/sys/fs/cgroup/cpu", false, "cpu", "/", "/"),
                new CgroupHierarchy("/sys/fs/cgroup/memory", false, "memory", "/process_api/abc", "/"),
                new CgroupHierarchy("/sys/fs/cgroup/systemd", false, "name=systemd", "/", "/"),
                new CgroupHierarchy("/sys/fs/cgroup/unified", true, "", "/", "/")), h);
        assertEquals("memory", h.get(1).dirName());
    }

    @Test
    void pureV2() {
        List<CgroupHierarchy> h = CgroupHierarchy.parse("30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate\n", "0::/user.slice/x\n");
        assertEquals(List.of(new CgroupHierarchy("/sys/fs/cgroup", true, "", "/user.slice/x", "/")), h);
    }

    @Test
    void combinedControllersInANestedViewWithFlagsAmongTheOptions() {
        List<CgroupHierarchy> h = CgroupHierarchy.parse("""
                30 25 0:26 /docker/x /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct,clone_children,release_agent=/sbin/ra
                31 25 0:27 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd
                32 25 0:28 /docker/x /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct
                """, "3:cpu,cpuacct:/docker/x/y\n1:name=systemd:/s\n0::/\n");
        assertEquals(List.of(new CgroupHierarchy("/sys/fs/cgroup/cpu,cpuacct", false, "cpu,cpuacct", "/docker/x/y", "/docker/x"),
                new CgroupHierarchy("/sys/fs/cgroup/systemd", false, "name=systemd", "/s", "/")), h);
        assertEquals("cpu,cpuacct", h.get(0).dirName());
    }

    @Test
    void ownPathsMapsEveryControllerOfALine() {
        assertEquals(java.util.Map.of("cpu", "/a", "cpuacct", "/a", "name=systemd", "/s", "", "/u"),
                CgroupHierarchy.ownPaths("3:cpu,cpuacct:/a\n1:name=systemd:/s\n0::/u\n\nbroken\n"));
    }

    @Test
    void mountInfoHelpers() {
        assertEquals("/sys/fs/cgroup/memory", MountInfo.containing(MOUNTINFO, "/sys/fs/cgroup/memory/x"));
        assertEquals("/", MountInfo.containing(MOUNTINFO, "/srv"));
        assertEquals("/mnt/other dir", MountInfo.unescape("/mnt/other\\040dir"));
    }
}
