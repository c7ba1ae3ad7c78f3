package jrun.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

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
