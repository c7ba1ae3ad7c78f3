package jrun.linux.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jrun.linux.ProcFiles;
import jrun.spec.ConfigFile;
import jrun.spec.Json;
import jrun.testing.Require;

/**
 * runc 1.1 creates a container with some linux.resources; our plan is applied to a sibling
 * cgroup; every file the plan touches (and devices.list) must read back the same.
 */
class CgroupRuncIT {
    static final String RESOURCES = """
        {"memory":{"limit":67108864,"reservation":33554432,"swap":134217728,"kernelTCP":16777216,"swappiness":20,"disableOOMKiller":true},
         "cpu":{"shares":512,"quota":20000,"period":100000,"cpus":"0","mems":"0"},
         "pids":{"limit":50},
         "devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":3,"access":"rwm"},
                    {"allow":true,"type":"c","major":1,"minor":5,"access":"rwm"},{"allow":true,"type":"c","major":136,"access":"rwm"},
                    {"allow":true,"type":"c","major":5,"minor":1,"access":"rw"},{"allow":false,"type":"c","major":1,"minor":5,"access":"w"}]}""";

    @Test
    @SuppressWarnings("unchecked")
    void ourWritesLeaveTheCgroupAsRuncDoes(@TempDir Path b) throws Exception {
        Require.root("runc needs root here");
        CgroupLayout layout = CgroupLayout.detect();
        Require.hostShape(layout.usesV1(), "compares the cgroup v1 drivers: this host is cgroup v2 only");
        Files.createDirectories(b.resolve("rootfs/bin"));
        Files.copy(Path.of("/bin/busybox"), b.resolve("rootfs/bin/busybox"));
        exec(List.of("runc", "spec", "--bundle", b.toString()));
        Map<String, Object> captured;
        try (var in = CgroupRuncIT.class.getResourceAsStream("/jrun/linux/cgroups/captured-resources.json")) {
            captured = (Map<String, Object>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        Map<String, Object> cases = new LinkedHashMap<>(captured);
        cases.put("every field", Json.parse(RESOURCES));
        java.util.Random rnd = new java.util.Random(Long.getLong("resources.seed", 3));
        long[] mem = {0, -1, 64L << 20, 96L << 20, 128L << 20};
        long[] cpu = {0, -1, 2, 1024, 50000, 100000, 262144};
        for (int i = 0; i < Integer.getInteger("resources.rounds", 10); i++) {
            long limit = mem[rnd.nextInt(mem.length)], swap = mem[rnd.nextInt(mem.length)];
            if (limit > 0 && swap > 0 && swap < limit) swap = limit; // runc and we both refuse it; tested elsewhere
            if (limit <= 0 && swap > 0) swap = -1;
            cases.put("random " + i, Json.parse("{\"memory\":{\"limit\":" + limit + ",\"swap\":" + swap + ",\"reservation\":"
                    + mem[rnd.nextInt(mem.length)] + (rnd.nextBoolean() ? ",\"swappiness\":" + rnd.nextInt(101) : "")
                    + "},\"cpu\":{\"shares\":" + Math.max(0, cpu[rnd.nextInt(cpu.length)]) + ",\"quota\":" + cpu[rnd.nextInt(cpu.length)]
                    + ",\"period\":" + (rnd.nextBoolean() ? 0 : 1000 * (1 + rnd.nextInt(500))) + "},\"pids\":{\"limit\":"
                    + (rnd.nextInt(3) - 1) * rnd.nextInt(100) + "}}"));
        }
        // every file these cases may touch, compared whether or not our plan wrote it (a default left alone counts)
        List<String> files = List.of("memory/memory.limit_in_bytes", "memory/memory.memsw.limit_in_bytes",
                "memory/memory.soft_limit_in_bytes", "memory/memory.swappiness", "memory/memory.oom_control", "cpu/cpu.shares",
                "cpu/cpu.cfs_period_us", "cpu/cpu.cfs_quota_us", "cpuset/cpuset.cpus", "cpuset/cpuset.mems", "pids/pids.max",
                "devices/devices.list");
        int n = 0, refused = 0;
        for (Map.Entry<String, Object> c : cases.entrySet()) {
            String theirs = "/jrun-it-runc-" + ProcessHandle.current().pid() + "-" + n, ours = theirs + "-ours";
            String id = "jrun-cg-it-" + ProcessHandle.current().pid() + "-" + n++;
            Map<String, Object> resources = (Map<String, Object>) c.getValue();
            Map<String, Object> config = (Map<String, Object>) ConfigFile.read(b.resolve("config.json")).root();
            Map<String, Object> process = (Map<String, Object>) config.get("process");
            process.put("terminal", false);
            process.put("args", new ArrayList<Object>(List.of("/bin/busybox", "sleep", "30")));
            Map<String, Object> linux = (Map<String, Object>) config.get("linux");
            linux.put("cgroupsPath", theirs);
            linux.put("resources", resources);
            Files.writeString(b.resolve("config.json"), Json.write(config), StandardCharsets.UTF_8);
            List<Path> made = new ArrayList<>();
            String root = b.resolve("runc-root").toString();
            try {
                AssertionError runcRefused = null;
                try {
                    exec(List.of("runc", "--root", root, "create", "--bundle", b.toString(), id));
                } catch (AssertionError e) {
                    runcRefused = e;
                }
                for (String ctrl : List.of("memory", "cpu", "cpuset", "pids", "devices")) {
                    Path d = layout.directory(ctrl, ours);
                    Files.createDirectory(d);
                    made.add(d);
                }
                CgroupWrite.apply(CgroupWriter.v1CpusetDefaults(layout.directory("cpuset", ours)));
                if (runcRefused != null) { // what the kernel (or runc) refuses, we refuse too
                    org.junit.jupiter.api.Assertions.assertThrows(jrun.JrunException.class, () -> CgroupWrite.apply(
                            CgroupWriter.planV1(resources, "linux.resources", ctrl -> layout.directory(ctrl, ours))),
                            c.getKey() + ": runc refused it: " + runcRefused.getMessage());
                    refused++;
                    continue;
                }
                CgroupWrite.apply(CgroupWriter.planV1(resources, "linux.resources", ctrl -> layout.directory(ctrl, ours)));
                Map<String, String> mine = new TreeMap<>(), runcs = new TreeMap<>();
                for (String f : files) {
                    String ctrl = f.substring(0, f.indexOf('/')), name = f.substring(f.indexOf('/') + 1);
                    mine.put(f, sortedLines(ProcFiles.read(layout.directory(ctrl, ours).resolve(name))));
                    runcs.put(f, sortedLines(ProcFiles.read(layout.directory(ctrl, theirs).resolve(name))));
                }
                assertEquals(runcs, mine, c.getKey());
            } finally {
                new ProcessBuilder("runc", "--root", root, "delete", "--force", id).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
                for (Path d : made) Files.deleteIfExists(d);
                removeEverywhere(layout, theirs); // a failed runc create leaves its cgroups behind
            }
        }
        assertTrue(refused <= cases.size() / 2, refused + " of " + cases.size() + " refused: too few compared");
    }

    /** Random v1 device lists: the kernel's devices.list after runc's writes and after ours. */
    @Test
    @SuppressWarnings("unchecked")
    void randomDeviceListsMatchRunc(@TempDir Path b) throws Exception {
        Require.root("runc needs root here");
        CgroupLayout layout = CgroupLayout.detect();
        Require.hostShape(layout.usesV1(), "compares the cgroup v1 drivers: this host is cgroup v2 only");
        Files.createDirectories(b.resolve("rootfs/bin"));
        Files.copy(Path.of("/bin/busybox"), b.resolve("rootfs/bin/busybox"));
        exec(List.of("runc", "spec", "--bundle", b.toString()));
        java.util.Random rnd = new java.util.Random(Long.getLong("devices.seed", 11));
        String[] types = {"a", "c", "b"}, access = {"r", "w", "m", "rw", "rm", "wm", "rwm"};
        String root = b.resolve("runc-root").toString();
        int refusals = 0;
        for (int round = 0; round < Integer.getInteger("devices.rounds", 16); round++) {
            StringBuilder devs = new StringBuilder("[");
            for (int i = rnd.nextInt(7); i >= 0; i--) {
                devs.append(devs.length() > 1 ? "," : "").append("{\"allow\":").append(rnd.nextInt(3) != 0)
                        .append(",\"type\":\"").append(types[rnd.nextInt(3)]).append('"');
                if (rnd.nextBoolean()) devs.append(",\"major\":").append(1 + rnd.nextInt(3) * 4);
                if (rnd.nextBoolean()) devs.append(",\"minor\":").append(rnd.nextInt(10));
                devs.append(",\"access\":\"").append(access[rnd.nextInt(access.length)]).append("\"}");
            }
            devs.append(']');
            Map<String, Object> resources = (Map<String, Object>) Json.parse("{\"devices\":" + devs + "}");
            Map<String, Object> config = (Map<String, Object>) ConfigFile.read(b.resolve("config.json")).root();
            Map<String, Object> process = (Map<String, Object>) config.get("process");
            process.put("terminal", false);
            process.put("args", new ArrayList<Object>(List.of("/bin/busybox", "sleep", "30")));
            Map<String, Object> linux = (Map<String, Object>) config.get("linux");
            String theirs = "/jrun-it-rdev-" + ProcessHandle.current().pid() + "-" + round, ours = theirs + "-ours";
            String id = "jrun-rdev-it-" + ProcessHandle.current().pid() + "-" + round;
            linux.put("cgroupsPath", theirs);
            linux.put("resources", resources);
            Files.writeString(b.resolve("config.json"), Json.write(config), StandardCharsets.UTF_8);
            Path mine = layout.directory("devices", ours);
            try {
                try {
                    exec(List.of("runc", "--root", root, "create", "--bundle", b.toString(), id));
                } catch (AssertionError refused) {
                    assertTrue(refused.getMessage().contains("cannot punch hole"), refused.getMessage());
                    System.err.println("runc refused round " + round + ": " + devs + ": " + refused.getMessage().replaceAll(".*unable", "unable"));
                    jrun.JrunException e = org.junit.jupiter.api.Assertions.assertThrows(jrun.JrunException.class,
                            () -> CgroupWriter.planV1(resources, "linux.resources", c -> mine), "round " + round + ": " + devs);
                    assertTrue(e.getMessage().contains("cannot cut a hole"), e.getMessage());
                    refusals++;
                    continue;
                }
                Files.createDirectory(mine);
                try {
                    CgroupWrite.apply(CgroupWriter.planV1(resources, "linux.resources", c -> c.equals("devices") ? mine : null));
                } catch (jrun.JrunException e) {
                    throw new AssertionError("round " + round + ": runc accepted " + devs + " but: " + e.getMessage(), e);
                }
                assertEquals(sortedLines(ProcFiles.read(layout.directory("devices", theirs).resolve("devices.list"))),
                        sortedLines(ProcFiles.read(mine.resolve("devices.list"))), "round " + round + ": " + devs);
            } finally {
                new ProcessBuilder("runc", "--root", root, "delete", "--force", id).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
                Files.deleteIfExists(mine);
                removeEverywhere(layout, theirs);
            }
        }
        assertTrue(refusals < Integer.getInteger("devices.rounds", 16), "some lists must actually be applied");
    }

    @Test
    @SuppressWarnings("unchecked")
    void statsHaveTheShapeOfRuncEvents(@TempDir Path b) throws Exception {
        Require.root("runc needs root here");
        CgroupLayout layout = CgroupLayout.detect();
        Require.hostShape(layout.usesV1(), "compares the cgroup v1 drivers: this host is cgroup v2 only");
        String cg = "/jrun-it-events-" + ProcessHandle.current().pid(), id = "jrun-ev-it-" + ProcessHandle.current().pid();
        Files.createDirectories(b.resolve("rootfs/bin"));
        Files.copy(Path.of("/bin/busybox"), b.resolve("rootfs/bin/busybox"));
        exec(List.of("runc", "spec", "--bundle", b.toString()));
        Map<String, Object> config = (Map<String, Object>) ConfigFile.read(b.resolve("config.json")).root();
        Map<String, Object> process = (Map<String, Object>) config.get("process");
        process.put("terminal", false);
        process.put("args", new ArrayList<Object>(List.of("/bin/busybox", "sleep", "30")));
        Map<String, Object> linux = (Map<String, Object>) config.get("linux");
        linux.put("cgroupsPath", cg);
        linux.put("resources", Json.parse("{\"memory\":{\"limit\":67108864},\"pids\":{\"limit\":50},\"cpu\":{\"quota\":20000,\"period\":100000}}"));
        Files.writeString(b.resolve("config.json"), Json.write(config), StandardCharsets.UTF_8);
        String root = b.resolve("runc-root").toString();
        try {
            exec(List.of("runc", "--root", root, "run", "-d", "--bundle", b.toString(), id));
            Path out = b.resolve("events.json");
            Process p = new ProcessBuilder("runc", "--root", root, "events", "--stats", id).redirectOutput(out.toFile()).start();
            assertTrue(jrun.testing.Cmd.waitOrKill(p, 60), "runc events --stats timed out");
            assertEquals(0, p.exitValue());
            Map<String, Object> ours = CgroupStats.event("stats", id, CgroupStats.readV1(c -> layout.directory(c, cg)));
            Map<String, Object> theirs = (Map<String, Object>) Json.parse(Files.readString(out));
            // Throttling counters are omitempty and tick between the two reads (ours comes second), so a
            // key may appear only in ours; the rest of the shape must match exactly.
            Map<String, Object> theirThrottling = throttling(theirs), ourThrottling = throttling(ours);
            assertEquals(Json.write(shape(withoutThrottling(theirs))), Json.write(shape(withoutThrottling(ours)))); // keys in Go's order, value kinds
            assertTrue(List.of("periods", "throttledPeriods", "throttledTime").containsAll(ourThrottling.keySet()), ourThrottling.toString());
            for (var e : theirThrottling.entrySet()) {
                assertTrue(ourThrottling.containsKey(e.getKey()), "throttling." + e.getKey() + " missing: " + ourThrottling);
                assertTrue(new java.math.BigInteger(ourThrottling.get(e.getKey()).toString())
                        .compareTo(new java.math.BigInteger(e.getValue().toString())) >= 0, "throttling." + e.getKey() + " went back");
            }
            for (String path : List.of("data.memory.usage.limit", "data.memory.swap.limit", "data.memory.kernel.limit",
                    "data.memory.kernelTCP.limit", "data.pids", "data.cpuset", "data.cpu.usage.percpu.size")) {
                assertEquals(at(theirs, path), at(ours, path), path);
            }
            assertEquals(raw(theirs).keySet(), raw(ours).keySet());
            assertEquals(true, raw(ours).size() > 20, raw(ours).toString());
        } finally {
            new ProcessBuilder("runc", "--root", root, "delete", "--force", id).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> throttling(Map<String, Object> event) {
        return (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) event.get("data")).get("cpu")).get("throttling");
    }

    /** A copy of the event whose cpu.throttling is empty. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> withoutThrottling(Map<String, Object> event) {
        Map<String, Object> copy = (Map<String, Object>) Json.parse(Json.write(event));
        throttling(copy).clear();
        return copy;
    }

    /** Keys in order and value kinds, without the values of counters that move. */
    static Object shape(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(k, k.equals("raw") ? "map" : shape(x)));
            return out;
        }
        if (v instanceof List<?> l) return "list";
        return v == null ? "null" : v.getClass().getSimpleName();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> raw(Map<String, Object> event) {
        return (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) event.get("data")).get("memory")).get("raw");
    }

    static Object at(Object v, String path) {
        for (String k : path.split("\\.")) {
            if (k.equals("size")) return String.valueOf(((List<?>) v).size());
            v = ((Map<?, ?>) v).get(k);
        }
        return v == null ? null : v instanceof Map || v instanceof List ? Json.write(v) : v.toString();
    }

    /** rmdir of an (empty) cgroup on every hierarchy, ignoring those where it does not exist. */
    static void removeEverywhere(CgroupLayout layout, String cg) {
        List<String> ctrls = new ArrayList<>(layout.v1().keySet());
        if (layout.unified() != null) ctrls.add("");
        for (String ctrl : ctrls) {
            for (int i = 0; i < 50; i++) { // a process of a failed create may still be leaving
                try {
                    Files.deleteIfExists(layout.directory(ctrl, cg));
                    break;
                } catch (java.io.IOException busy) {
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    /** The kernel lists device exceptions in its own order; the set is what counts. */
    static String sortedLines(String s) {
        return String.join("\n", s.strip().lines().sorted().toList());
    }

    /** Runs cmd with stdio on files: a created container keeps its stdio open until it exits. */
    static void exec(List<String> cmd) throws Exception {
        Path err = Files.createTempFile("jrun-it", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(cmd + " timed out");
            }
            if (p.exitValue() != 0) throw new AssertionError(cmd + " failed: " + Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
