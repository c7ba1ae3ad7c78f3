package jrun.linux.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jrun.linux.ProcFiles;
import jrun.testing.Require;

/** Applies a plan to real cgroups of this host (v1 controllers) and reads back what the kernel kept. */
class CgroupWriterIT {
    @Test
    void kernelAcceptsThePlan() throws Exception {
        Require.root("creating cgroups needs root");
        CgroupLayout layout = CgroupLayout.detect();
        Require.hostShape(layout.usesV1(), "covers the cgroup v1 controllers: this host is cgroup v2 only");
        String cg = "/jrun-it-" + ProcessHandle.current().pid();
        List<Path> made = new ArrayList<>();
        try {
            for (String c : List.of("memory", "pids", "cpu", "devices", "freezer")) {
                Path d = layout.directory(c, cg);
                Files.createDirectory(d);
                made.add(d);
            }
            Map<String, Object> r = CgroupWriterTest.parse("""
                {"memory":{"limit":104857600,"swappiness":10},"cpu":{"shares":512,"period":100000,"quota":50000},
                 "pids":{"limit":64},
                 "devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":3,"access":"rwm"},
                            {"allow":true,"type":"c","major":136,"access":"rw"}]}""");
            CgroupWrite.apply(CgroupWriter.planV1(r, "linux.resources", c -> layout.directory(c, cg)));
            assertEquals("104857600", read(layout.directory("memory", cg).resolve("memory.limit_in_bytes")));
            assertEquals("10", read(layout.directory("memory", cg).resolve("memory.swappiness")));
            assertEquals("64", read(layout.directory("pids", cg).resolve("pids.max")));
            assertEquals("512", read(layout.directory("cpu", cg).resolve("cpu.shares")));
            assertEquals("50000", read(layout.directory("cpu", cg).resolve("cpu.cfs_quota_us")));
            // the config's rules plus runc's defaults (c 136:* rw widened to rwm by them)
            assertEquals(CgroupRuncIT.sortedLines("c 1:3 rwm\nc 136:* rwm\nc *:* m\nb *:* m\nc 1:8 rwm\nc 1:7 rwm\nc 5:0 rwm\n"
                    + "c 1:5 rwm\nc 1:9 rwm\nc 5:2 rwm\nc 10:200 rwm"),
                    CgroupRuncIT.sortedLines(read(layout.directory("devices", cg).resolve("devices.list"))));
            CgroupWrite.apply(List.of(Freezer.freeze(layout, cg)));
            assertEquals("FROZEN", read(Freezer.stateFile(layout, cg)));
            CgroupWrite.apply(List.of(Freezer.thaw(layout, cg)));
            assertEquals("THAWED", read(Freezer.stateFile(layout, cg)));
        } finally {
            for (Path d : made) Files.deleteIfExists(d); // rmdir of an empty cgroup
        }
    }

    /** update: raising and lowering memory and memory+swap together, in the order the kernel accepts. */
    @Test
    void memoryUpdatesBothWays() throws Exception {
        Require.root("creating cgroups needs root");
        CgroupLayout layout = CgroupLayout.detect();
        Require.hostShape(layout.usesV1(), "v1 memory.memsw: this host is cgroup v2 only");
        String cg = "/jrun-it-memup-" + ProcessHandle.current().pid();
        Path d = layout.directory("memory", cg);
        Require.host(Files.exists(layout.directory("memory", "/").resolve("memory.memsw.limit_in_bytes")), "v1 swap accounting (memory.memsw.*)");
        Files.createDirectory(d);
        try {
            for (long[] step : new long[][] {{64, 128}, {256, 512}, {32, 48}, {1024, 2048}}) {
                CgroupWrite.apply(CgroupWriter.planV1Update(CgroupWriterTest.parse("{\"memory\":{\"limit\":" + (step[0] << 20)
                        + ",\"swap\":" + (step[1] << 20) + "}}"), "linux.resources", c -> layout.directory(c, cg)));
                assertEquals(Long.toString(step[0] << 20), read(d.resolve("memory.limit_in_bytes")));
                assertEquals(Long.toString(step[1] << 20), read(d.resolve("memory.memsw.limit_in_bytes")));
            }
        } finally {
            Files.deleteIfExists(d);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void statsOfARealProcess() throws Exception {
        Require.root("creating cgroups needs root");
        CgroupLayout layout = CgroupLayout.detect();
        Require.hostShape(layout.usesV1(), "covers the cgroup v1 controllers: this host is cgroup v2 only");
        String cg = "/jrun-it-stats-" + ProcessHandle.current().pid();
        List<Path> made = new ArrayList<>();
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            for (String c : List.of("memory", "pids", "cpu", "cpuacct")) {
                Path d = layout.directory(c, cg);
                Files.createDirectory(d);
                made.add(d);
                Files.writeString(d.resolve("cgroup.procs"), Long.toString(sleeper.pid()));
            }
            Map<String, Object> data = CgroupStats.readV1(c -> layout.directory(c, cg));
            Map<String, Object> pids = (Map<String, Object>) data.get("pids");
            assertEquals("1", pids.get("current").toString());
            Map<String, Object> usage = (Map<String, Object>) ((Map<String, Object>) data.get("memory")).get("usage");
            assertEquals(true, Long.parseLong(usage.get("limit").toString()) > 0, usage.toString());
            assertEquals(true, ((Map<String, Object>) ((Map<String, Object>) data.get("memory")).get("raw")).containsKey("rss"));
            assertEquals(0, CgroupStats.oomKills(layout.directory("memory", cg), false));
        } finally {
            sleeper.destroyForcibly().waitFor();
            for (Path d : made) {
                for (int i = 0; i < 50 && Files.exists(d); i++) {
                    try {
                        Files.delete(d);
                    } catch (java.nio.file.FileSystemException busy) {
                        Thread.sleep(20); // the killed process leaves the cgroup shortly after
                    }
                }
            }
        }
    }

    static String read(Path p) throws Exception {
        return ProcFiles.read(p).strip();
    }
}
