package jrun.linux.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import jrun.JrunException;

public class CgroupLayoutTest {
    // this host, verbatim
    public static final String HYBRID_MOUNTS = """
        31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
        32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
        33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
        34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
        35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
        36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices
        37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
        38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
        39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
        40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
        41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
        """;
    public static final String HYBRID_SELF = """
        9:name=systemd:/
        8:pids:/
        4:memory:/process_api/ea9177add57bf4837143b10f75fd955e
        1:cpu:/
        0::/
        """;

    @Test
    void thisHostIsHybrid() {
        CgroupLayout l = CgroupLayout.parse(HYBRID_MOUNTS, HYBRID_SELF);
        assertEquals(CgroupLayout.Mode.HYBRID, l.mode());
        assertTrue(l.usesV1());
        assertEquals(Path.of("/sys/fs/cgroup/memory"), l.v1().get("memory").mountPoint());
        assertEquals(Path.of("/sys/fs/cgroup/unified"), l.unified().mountPoint());
        assertNull(l.v1().get("hugetlb"));
        // no cgroupsPath: nest the container id under the caller's cgroup, per controller
        assertEquals("/process_api/ea9177add57bf4837143b10f75fd955e/c1", l.cgroupPath(null, "c1", "memory", false, false));
        assertEquals("/c1", l.cgroupPath("", "c1", "pids", false, false));
        assertEquals("/process_api/ea9177add57bf4837143b10f75fd955e/x/y", l.cgroupPath("x/y", "c1", "memory", false, false));
        assertEquals("/docker/abc", l.cgroupPath("/docker//abc/", "c1", "memory", false, false));
        assertEquals(Path.of("/sys/fs/cgroup/memory/docker/abc"), l.directory("memory", "/docker/abc"));
        assertEquals(Path.of("/sys/fs/cgroup/unified/docker/abc"), l.directory("", "/docker/abc"));
        assertNull(l.directory("net_cls", "/docker/abc"));
    }

    @Test
    void pureV2WithANestedRoot() {
        CgroupLayout l = CgroupLayout.parse("""
            25 20 0:22 /kubepods/pod1 /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
            """, "0::/kubepods/pod1/ctr\n");
        assertEquals(CgroupLayout.Mode.V2, l.mode());
        assertEquals("/kubepods/pod1/ctr/c2", l.cgroupPath(null, "c2", "", false, false));
        assertEquals(Path.of("/sys/fs/cgroup/ctr/c2"), l.directory("", "/kubepods/pod1/ctr/c2"));
    }

    @Test
    void pureV1CombinedControllersAndEscapedMountPoints() {
        CgroupLayout l = CgroupLayout.parse("""
            30 25 0:26 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct
            31 25 0:27 / /mnt/my\\040cgroups/memory rw - cgroup cgroup rw,memory
            """, "3:cpu,cpuacct:/a\n2:memory:/b\n");
        assertEquals(CgroupLayout.Mode.V1, l.mode());
        assertEquals(Path.of("/sys/fs/cgroup/cpu,cpuacct"), l.v1().get("cpuacct").mountPoint());
        assertEquals(Path.of("/mnt/my cgroups/memory"), l.v1().get("memory").mountPoint());
        assertEquals("/a/x", l.cgroupPath(null, "x", "cpu", false, false));
        assertNull(l.unified());
    }

    @Test
    void aHierarchyMountedTwiceIsFoundAtItsFirstMount() {
        CgroupLayout l = CgroupLayout.parse(HYBRID_MOUNTS
                + "99 31 0:32 / /mnt/again rw,relatime - cgroup cgroup rw,memory\n"
                + "98 31 0:38 / /mnt/unified-again rw,relatime - cgroup2 cgroup2 rw\n", HYBRID_SELF);
        assertEquals(Path.of("/sys/fs/cgroup/memory"), l.v1().get("memory").mountPoint());
        assertEquals(Path.of("/sys/fs/cgroup/unified"), l.unified().mountPoint());
    }

    @Test
    void v2WithOnlyANamedV1HierarchyIsV2() {
        CgroupLayout l = CgroupLayout.parse("""
            30 25 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate
            31 25 0:27 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd
            """, "1:name=systemd:/s\n0::/u\n");
        assertEquals(CgroupLayout.Mode.V2, l.mode());
        assertEquals(Path.of("/sys/fs/cgroup/systemd"), l.v1().get("name=systemd").mountPoint());
        assertEquals("/u/c", l.cgroupPath(null, "c", "", false, false));
        assertEquals(java.util.Map.of("name=systemd", "/s", "", "/u"), l.own());
    }

    @Test
    void noCgroupMountIsAClearError() {
        JrunException e = assertThrows(JrunException.class,
                () -> CgroupLayout.parse("31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n", "0::/\n"));
        assertEquals("no cgroup filesystem mounted (see /proc/self/mountinfo)", e.getMessage());
    }

    @Test
    void systemdPathWithoutSystemdIsAClearError() {
        CgroupLayout l = CgroupLayout.parse(HYBRID_MOUNTS, HYBRID_SELF);
        JrunException e = assertThrows(JrunException.class,
                () -> l.cgroupPath("system.slice:docker:abc", "abc", "memory", true, false));
        assertEquals("linux.cgroupsPath: \"system.slice:docker:abc\" asks for the systemd cgroup driver, but systemd is not "
                + "running here (no /run/systemd/system); use a cgroupfs path such as /jrun/abc", e.getMessage());
    }

    @Test
    void detectReadsThisProcess() {
        CgroupLayout l = CgroupLayout.detect();
        assertTrue(l.own().containsKey("") || !l.v1().isEmpty(), l.toString());
    }
}
