package jrun.linux.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jrun.JrunException;
import jrun.spec.Json;

class CgroupWriterTest {
    @Test
    void v1WritesEveryResourceToItsController(@TempDir Path root) throws IOException {
        Map<String, Object> r = parse("""
            {"memory":{"limit":104857600,"reservation":52428800,"swap":209715200,"kernelTCP":1048576,"swappiness":10,"disableOOMKiller":true},
             "cpu":{"shares":512,"quota":50000,"period":100000,"burst":1000,"realtimeRuntime":950,"realtimePeriod":1000,"cpus":"0-1","mems":"0"},
             "pids":{"limit":64},
             "blockIO":{"weight":300,"leafWeight":200,"weightDevice":[{"major":8,"minor":0,"weight":500}],
                        "throttleReadBpsDevice":[{"major":8,"minor":0,"rate":1048576}],"throttleWriteIOPSDevice":[{"major":8,"minor":16,"rate":100}]},
             "hugepageLimits":[{"pageSize":"2MB","limit":209715200}],
             "network":{"classID":1048577,"priorities":[{"name":"eth0","priority":5},{"name":"lo","priority":1}]},
             "devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":3,"access":"rwm"},
                        {"allow":true,"type":"c","major":136,"access":"rw"},{"allow":false,"type":"b","major":8,"minor":0,"access":"m"}]}""");
        List<CgroupWrite> w = CgroupWriter.planV1(r, "linux.resources", c -> root.resolve(c));
        assertEquals(List.of(
                "memory/memory.limit_in_bytes=104857600", "memory/memory.memsw.limit_in_bytes=209715200",
                "memory/memory.soft_limit_in_bytes=52428800", "memory/memory.kmem.tcp.limit_in_bytes=1048576",
                "memory/memory.swappiness=10", "memory/memory.oom_control=1",
                "cpu/cpu.shares=512", "cpu/cpu.cfs_period_us=100000", "cpu/cpu.cfs_quota_us=50000", "cpu/cpu.cfs_burst_us=1000",
                "cpu/cpu.rt_period_us=1000", "cpu/cpu.rt_runtime_us=950", "cpuset/cpuset.cpus=0-1", "cpuset/cpuset.mems=0",
                "pids/pids.max=64",
                "blkio/blkio.weight=300", "blkio/blkio.leaf_weight=200", "blkio/blkio.weight_device=8:0 500",
                "blkio/blkio.throttle.read_bps_device=8:0 1048576", "blkio/blkio.throttle.write_iops_device=8:16 100",
                "hugetlb/hugetlb.2MB.limit_in_bytes=209715200",
                "net_cls/net_cls.classid=1048577", "net_prio/net_prio.ifpriomap=eth0 5", "net_prio/net_prio.ifpriomap=lo 1",
                "devices/devices.deny=a", "devices/devices.deny=a *:* rwm", "devices/devices.allow=c 1:3 rwm",
                "devices/devices.allow=c 136:* rw", "devices/devices.deny=b 8:0 m",
                // runc's defaults, appended (libcontainer/specconv AllowedDevices)
                "devices/devices.allow=c *:* m", "devices/devices.allow=b *:* m", "devices/devices.allow=c 1:3 rwm",
                "devices/devices.allow=c 1:8 rwm", "devices/devices.allow=c 1:7 rwm", "devices/devices.allow=c 5:0 rwm",
                "devices/devices.allow=c 1:5 rwm", "devices/devices.allow=c 1:9 rwm", "devices/devices.allow=c 136:* rwm",
                "devices/devices.allow=c 5:2 rwm", "devices/devices.allow=c 10:200 rwm"), show(root, w));
        // applied to a fixture tree: every file written, nothing created
        for (CgroupWrite x : w) {
            Files.createDirectories(x.file().getParent());
            if (!Files.exists(x.file())) Files.writeString(x.file(), "old");
        }
        CgroupWrite.apply(w);
        assertEquals("64", Files.readString(root.resolve("pids/pids.max")));
        assertEquals("lo 1", Files.readString(root.resolve("net_prio/net_prio.ifpriomap")), "one write per line, the last remains");
        assertEquals("c 10:200 rwm", Files.readString(root.resolve("devices/devices.allow")));
    }

    @Test
    void v2ConvertsAsRuncDoes(@TempDir Path d) {
        Map<String, Object> r = parse("""
            {"memory":{"limit":104857600,"reservation":52428800,"swap":314572800},
             "cpu":{"shares":1024,"quota":50000,"burst":1000,"idle":1,"cpus":"1"},
             "pids":{"limit":-1},
             "blockIO":{"weight":500,"throttleReadBpsDevice":[{"major":8,"minor":0,"rate":1048576}]},
             "hugepageLimits":[{"pageSize":"1GB","limit":0}],
             "unified":{"memory.high":"90000000","io.latency":"8:0 target=75"}}""");
        assertEquals(List.of("memory.max=104857600", "memory.swap.max=209715200", "memory.low=52428800",
                "cpu.weight=39", "cpu.max=50000 100000", "cpu.max.burst=1000", "cpu.idle=1", "cpuset.cpus=1",
                "pids.max=max", "io.weight=default 4950", "io.max=8:0 rbps=1048576",
                "hugetlb.1GB.max=0", "memory.high=90000000", "io.latency=8:0 target=75"),
                show(d, CgroupWriter.planV2(r, "linux.resources", d)));
        assertEquals(List.of("pids/pids.max=max"), show(d, CgroupWriter.planV1Update(parse("{\"pids\":{\"limit\":-1}}"), "r", c -> d.resolve(c))));
        assertEquals(List.of(), show(d, CgroupWriter.planV1Update(parse("{\"pids\":{\"limit\":0}}"), "r", c -> d.resolve(c)))); // runc: not set
        // memory unlimited: swap unlimited too
        assertEquals(List.of("memory.max=max", "memory.swap.max=max"),
                show(d, CgroupWriter.planV2(parse("{\"memory\":{\"limit\":-1}}"), "r", d)));
    }

    @Test
    void whatCannotBeAppliedIsRefusedByName(@TempDir Path d) {
        assertError(() -> CgroupWriter.planV1(parse("{\"unified\":{\"memory.high\":\"1\"}}"), "linux.resources", c -> d),
                "linux.resources.unified: cgroup v2 keys cannot be used on cgroup v1");
        assertError(() -> CgroupWriter.planV1(parse("{\"memory\":{\"limit\":200,\"swap\":100}}"), "linux.resources", c -> d),
                "linux.resources.memory.swap: memory+swap limit (100) should be >= memory limit (200)");
        assertError(() -> CgroupWriter.planV1(parse("{\"network\":{\"classID\":1}}"), "linux.resources", c -> c.equals("net_cls") ? null : d),
                "linux.resources.network.classID: the net_cls cgroup controller is not mounted here");
        assertError(() -> CgroupWriter.planV2(parse("{\"cpu\":{\"realtimeRuntime\":5}}"), "linux.resources", d),
                "linux.resources.cpu.realtimeRuntime: not supported on cgroup v2");
        assertError(() -> CgroupWriter.planV2(parse("{\"memory\":{\"swap\":100}}"), "linux.resources", d),
                "linux.resources.memory.swap: unable to set a swap limit without a memory limit");
        assertError(() -> CgroupWriter.planV2(parse("{\"unified\":{\"../x\":\"1\"}}"), "linux.resources", d),
                "linux.resources.unified[\"../x\"]: must be a cgroup file name such as \"memory.high\"");
        assertError(() -> CgroupWriter.planV1(parse("{\"devices\":[{\"allow\":true,\"type\":\"x\"}]}"), "linux.resources", c -> d),
                "linux.resources.devices[0].type: expected \"a\", \"c\" or \"b\", not \"x\"");
        assertError(() -> CgroupWrite.apply(List.of(new CgroupWrite(d.resolve("memory.swap.max"), "5"))),
                "cannot write \"5\" to " + d.resolve("memory.swap.max") + ": no such file (this kernel or cgroup does not support it)");
    }

    @Test
    void newCpusetTakesItsParentsCpusAndMems(@TempDir Path root) throws IOException {
        Files.writeString(root.resolve("cpuset.cpus"), "0-3\n");
        Files.writeString(root.resolve("cpuset.mems"), "0\n");
        Path child = Files.createDirectory(root.resolve("c"));
        Files.writeString(child.resolve("cpuset.cpus"), "\n");
        Files.writeString(child.resolve("cpuset.mems"), "0\n");
        assertEquals(List.of("c/cpuset.cpus=0-3"), show(root, CgroupWriter.v1CpusetDefaults(child)));
    }

    @Test
    void v2ControllersAreEnabledDownToTheParent(@TempDir Path root) throws IOException {
        Path a = Files.createDirectories(root.resolve("a")), c = Files.createDirectories(a.resolve("c"));
        Files.writeString(root.resolve("cgroup.controllers"), "cpuset cpu io memory pids\n");
        Files.writeString(root.resolve("cgroup.subtree_control"), "cpu memory\n");
        Files.writeString(a.resolve("cgroup.controllers"), "cpu memory\n");
        Files.writeString(a.resolve("cgroup.subtree_control"), "\n");
        assertEquals(List.of("cgroup.subtree_control=+cpuset +io +pids", "a/cgroup.subtree_control=+cpu +memory"),
                show(root, CgroupWriter.v2EnableControllers(root, c)));
        CgroupWrite.apply(CgroupWriter.v2EnableControllers(root, c));
    }

    @Test
    void v1HolesInWiderRulesAreRefusedAsRuncDoes(@TempDir Path d) {
        // runc 1.1.5 refused this list: "cannot punch hole in existing wildcard rule [{99 -1 -1} r]"
        assertError(() -> CgroupWriter.planV1(parse("{\"devices\":[{\"allow\":true,\"type\":\"b\",\"minor\":4,\"access\":\"rwm\"},"
                + "{\"allow\":true,\"type\":\"a\",\"access\":\"wm\"},{\"allow\":false,\"type\":\"c\",\"major\":5,\"access\":\"rm\"},"
                + "{\"allow\":false,\"type\":\"c\",\"access\":\"rm\"}]}"), "linux.resources", c -> d),
                "linux.resources.devices: runc's default device c 1:3 rwm: cannot allow c 1:3 rwm inside c *:* r on cgroup v1 "
                + "(the kernel cannot cut a hole in a wider rule; runc refuses it too)");
        assertError(() -> CgroupWriter.planV1(parse("{\"devices\":[{\"allow\":true,\"type\":\"c\",\"access\":\"rw\"},"
                + "{\"allow\":false,\"type\":\"c\",\"minor\":4,\"access\":\"w\"}]}"), "linux.resources", c -> d),
                "linux.resources.devices[1]: cannot deny c *:4 w inside c *:* rw on cgroup v1 "
                + "(the kernel cannot cut a hole in a wider rule; runc refuses it too)");
        // and this one runc accepted: the exact c *:* m exception is removed first by runc's default "c *:* m"
        CgroupWriter.planV1(parse("{\"devices\":[{\"allow\":false,\"type\":\"a\",\"access\":\"wm\"},"
                + "{\"allow\":true,\"type\":\"a\",\"access\":\"rwm\"},{\"allow\":false,\"type\":\"c\",\"access\":\"m\"}]}"),
                "linux.resources", c -> d);
    }

    /** linux.resources exactly as Docker 20.10 and Podman 4.3 sent them here (captured with a recording runtime). */
    @Test
    @SuppressWarnings("unchecked")
    void whatDockerAndPodmanSend(@TempDir Path root) throws IOException {
        Map<String, Object> captured;
        try (var in = CgroupWriterTest.class.getResourceAsStream("/jrun/linux/cgroups/captured-resources.json")) {
            captured = parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
        // default docker run: cpu.shares 0 and blockIO.weight 0 mean "not set" (as in runc): no cpu or blkio writes
        List<String> dflt = show(root, CgroupWriter.planV1((Map<String, Object>) captured.get("docker-20.10.24-default"), "r", c -> root.resolve(c)));
        assertEquals(List.of(), dflt.stream().filter(w -> !w.startsWith("devices/")).toList());
        assertEquals("devices/devices.deny=c 10:229 rwm", dflt.get(8));
        // --memory 64m --memory-swap 128m --cpus 0.5 --pids-limit 50 --cpu-shares 512
        assertEquals(List.of("memory/memory.limit_in_bytes=67108864", "memory/memory.memsw.limit_in_bytes=134217728",
                "cpu/cpu.shares=512", "cpu/cpu.cfs_period_us=100000", "cpu/cpu.cfs_quota_us=50000", "pids/pids.max=50"),
                show(root, CgroupWriter.planV1((Map<String, Object>) captured.get("docker-20.10.24-limits"), "r", c -> root.resolve(c)))
                        .stream().filter(w -> !w.startsWith("devices/")).toList());
        assertEquals(List.of("pids.max=2048"), show(root, CgroupWriter.planV2((Map<String, Object>) captured.get("podman-4.3.1-default"), "r", root)));
        // the same on cgroup v2: weight from shares, cpu.max, swap.max = swap - limit
        assertEquals(List.of("memory.max=67108864", "memory.swap.max=67108864", "cpu.weight=20", "cpu.max=50000 100000", "pids.max=50"),
                show(root, CgroupWriter.planV2((Map<String, Object>) captured.get("docker-20.10.24-limits"), "r", root)));
        assertEquals(List.of(), show(root, CgroupWriter.planV2((Map<String, Object>) captured.get("docker-20.10.24-default"), "r", root)));
    }

    @Test
    void freezerFiles() {
        CgroupLayout hybrid = CgroupLayout.parse(CgroupLayoutTest.HYBRID_MOUNTS, CgroupLayoutTest.HYBRID_SELF);
        assertEquals(new CgroupWrite(Path.of("/sys/fs/cgroup/freezer/c/freezer.state"), "FROZEN"), Freezer.freeze(hybrid, "/c"));
        assertEquals(new CgroupWrite(Path.of("/sys/fs/cgroup/freezer/c/freezer.state"), "THAWED"), Freezer.thaw(hybrid, "/c"));
        CgroupLayout v2 = CgroupLayout.parse("1 0 0:1 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n", "0::/\n");
        assertEquals(new CgroupWrite(Path.of("/sys/fs/cgroup/c/cgroup.freeze"), "1"), Freezer.freeze(v2, "/c"));
        assertEquals(Path.of("/sys/fs/cgroup/c/cgroup.events"), Freezer.stateFile(v2, "/c"));
    }

    static void assertError(org.junit.jupiter.api.function.Executable e, String message) {
        assertEquals(message, assertThrows(JrunException.class, e).getMessage());
    }

    static List<String> show(Path root, List<CgroupWrite> w) {
        List<String> out = new ArrayList<>();
        for (CgroupWrite x : w) out.add(root.relativize(x.file()) + "=" + x.value());
        assertTrue(w.stream().allMatch(x -> x.file().startsWith(root)));
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parse(String json) {
        return (Map<String, Object>) Json.parse(json);
    }
}
