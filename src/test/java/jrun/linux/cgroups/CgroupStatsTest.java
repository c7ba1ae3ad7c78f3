package jrun.linux.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jrun.spec.Json;

class CgroupStatsTest {
    static void file(Path dir, String name, String text) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(name), text);
    }

    @Test
    void v1CountersInRuncsShape(@TempDir Path root) throws IOException {
        file(root.resolve("cpuacct"), "cpuacct.usage", "123456789\n");
        file(root.resolve("cpuacct"), "cpuacct.usage_percpu", "100000000 23456789 \n");
        file(root.resolve("cpuacct"), "cpuacct.stat", "user 150\nsystem 25\n");
        file(root.resolve("cpuacct"), "cpuacct.usage_all", "cpu user system\n0 90000000 10000000\n1 20000000 3456789\n");
        file(root.resolve("cpuset"), "cpuset.cpus", "0-1,3\n");
        file(root.resolve("cpuset"), "cpuset.mems", "0\n");
        file(root.resolve("cpuset"), "cpuset.sched_load_balance", "1\n");
        file(root.resolve("cpuset"), "cpuset.sched_relax_domain_level", "-1\n");
        file(root.resolve("cpu"), "cpu.stat", "nr_periods 10\nnr_throttled 2\nthrottled_time 5000\nnr_bursts 0\nburst_time 0\n");
        file(root.resolve("memory"), "memory.stat", "cache 4096\nrss 8192\ntotal_cache 4096\n");
        file(root.resolve("memory"), "memory.usage_in_bytes", "12288\n");
        file(root.resolve("memory"), "memory.max_usage_in_bytes", "20480\n");
        file(root.resolve("memory"), "memory.limit_in_bytes", "104857600\n");
        file(root.resolve("memory"), "memory.failcnt", "3\n");
        file(root.resolve("memory"), "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
        file(root.resolve("pids"), "pids.current", "4\n");
        file(root.resolve("pids"), "pids.max", "max\n");
        String json = Json.write(CgroupStats.event("stats", "c1", CgroupStats.readV1(c -> root.resolve(c))));
        assertEquals("{\"type\":\"stats\",\"id\":\"c1\",\"data\":{"
                + "\"cpu\":{\"usage\":{\"total\":123456789,\"percpu\":[100000000,23456789],\"percpu_kernel\":[10000000,3456789],"
                + "\"percpu_user\":[90000000,20000000],\"kernel\":250000000,\"user\":1500000000},"
                + "\"throttling\":{\"periods\":10,\"throttledPeriods\":2,\"throttledTime\":5000}},"
                + "\"cpuset\":{\"cpus\":[0,1,3],\"cpu_exclusive\":0,\"mems\":[0],\"mem_hardwall\":0,\"mem_exclusive\":0,\"memory_migrate\":0,"
                + "\"memory_spread_page\":0,\"memory_spread_slab\":0,\"memory_pressure\":0,\"sched_load_balance\":1,\"sched_relax_domain_level\":-1},"
                + "\"memory\":{\"cache\":4096,\"usage\":{\"limit\":104857600,\"usage\":12288,\"max\":20480,\"failcnt\":3},"
                + "\"swap\":{\"limit\":0,\"failcnt\":0},\"kernel\":{\"limit\":0,\"failcnt\":0},\"kernelTCP\":{\"limit\":0,\"failcnt\":0},"
                + "\"raw\":{\"cache\":4096,\"rss\":8192,\"total_cache\":4096}},"
                + "\"pids\":{\"current\":4},\"blkio\":{},\"hugetlb\":{},\"intel_rdt\":{},\"network_interfaces\":null}}", json);
        assertEquals(2, CgroupStats.oomKills(root.resolve("memory"), false));
    }

    @Test
    void v2CountersInRuncsShape(@TempDir Path d) throws IOException {
        file(d, "cpu.stat", "usage_usec 2000\nuser_usec 1500\nsystem_usec 500\nnr_periods 4\nnr_throttled 1\nthrottled_usec 30\n");
        file(d, "memory.stat", "anon 8192\nfile 4096\n");
        file(d, "memory.current", "12288\n");
        file(d, "memory.max", "104857600\n");
        file(d, "memory.events", "low 0\nhigh 0\nmax 5\noom 1\noom_kill 1\n");
        file(d, "memory.swap.current", "100\n");
        file(d, "memory.swap.max", "max\n");
        file(d, "pids.current", "2\n");
        file(d, "pids.max", "64\n");
        String json = Json.write(CgroupStats.readV2(d));
        assertEquals("{\"cpu\":{\"usage\":{\"total\":2000000,\"kernel\":500000,\"user\":1500000},"
                + "\"throttling\":{\"periods\":4,\"throttledPeriods\":1,\"throttledTime\":30000}},"
                + "\"cpuset\":{\"cpu_exclusive\":0,\"mem_hardwall\":0,\"mem_exclusive\":0,\"memory_migrate\":0,\"memory_spread_page\":0,"
                + "\"memory_spread_slab\":0,\"memory_pressure\":0,\"sched_load_balance\":0,\"sched_relax_domain_level\":0},"
                + "\"memory\":{\"cache\":4096,\"usage\":{\"limit\":104857600,\"usage\":12288,\"failcnt\":5},"
                + "\"swap\":{\"limit\":18446744073709551615,\"usage\":12388,\"failcnt\":0},\"raw\":{\"anon\":8192,\"file\":4096}},"
                + "\"pids\":{\"current\":2,\"limit\":64},\"blkio\":{},\"hugetlb\":{},\"intel_rdt\":{},\"network_interfaces\":null}", json);
        assertEquals(1, CgroupStats.oomKills(d, true));
    }
}
