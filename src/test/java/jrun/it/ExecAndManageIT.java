package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import jrun.spec.Json;
import jrun.testing.Sandbox;

/**
 * runc's exec flags, ps, pause/resume, update and events on one running container under jrun and
 * under runc: what a caller sees must be the same (namespaces joined, identity, capabilities,
 * no_new_privs, exit status, cgroup files written).
 */
class ExecAndManageIT extends WithSandbox {
    Path bundle;

    @BeforeEach
    void setUp() throws Exception {
        bundle = sb.bundle("b", c -> {
            c.put("hostname", "inside");
            Sandbox.args(c, "sleep", "1000");
            Sandbox.process(c).put("noNewPrivileges", Boolean.FALSE);
            Sandbox.linux(c).put("resources", Json.parse("{\"memory\":{\"limit\":67108864},\"pids\":{\"limit\":50}}"));
        });
    }

    Sandbox.Result rt(String runtime, String... args) throws Exception {
        return runtime.equals("jrun") ? sb.jrun(args) : sb.runc(args);
    }

    long initPid(String runtime, String id) throws Exception {
        Map<?, ?> st = (Map<?, ?>) Json.parse(rt(runtime, "state", id).ok().out());
        return Long.parseLong(st.get("pid").toString());
    }

    static String cgroupFile(long pid, String controller, String file) throws Exception {
        return Files.readString(cgroupDir(pid, controller).resolve(file)).strip();
    }

    static Path cgroupDir(long pid, String controller) throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            String[] f = l.split(":", 3);
            if (List.of(f[1].split(",")).contains(controller)) return Path.of("/sys/fs/cgroup", controller, f[2]);
        }
        throw new AssertionError("no " + controller + " cgroup for " + pid);
    }

    @Test
    void execFlagsMatchRunc() throws Exception {
        String probe = "hostname; id; pwd; echo A=$A; grep -E '^(CapBnd|CapEff|NoNewPrivs):' /proc/self/status; exit 7";
        Path proc = Files.writeString(sb.dir.resolve("process.json"), """
                {"args": ["sh", "-c", "echo from-file $B; id -u; exit 4"], "env": ["PATH=/bin", "B=b"], "cwd": "/",
                 "user": {"uid": 1000, "gid": 1000}}""");
        String[] outs = new String[2];
        int k = 0;
        for (String r : List.of("jrun", "runc")) {
            rt(r, "run", "--detach", "--bundle", bundle.toString(), "x-" + r).ok();
            Sandbox.Result e = rt(r, "exec", "--user", "1000:1000", "--additional-gids", "5", "--cwd", "/tmp", "--env", "A=b",
                    "--cap", "CAP_CHOWN", "--no-new-privs", "x-" + r, "sh", "-c", probe);
            assertEquals(7, e.status(), r + ": " + e);
            outs[k++] = e.out();
            Sandbox.Result f = rt(r, "exec", "--process", proc.toString(), "x-" + r);
            assertEquals(4, f.status(), r + ": " + f);
            assertEquals("from-file b\n1000\n", f.out(), r);
            Path pidFile = sb.dir.resolve(r + ".pid");
            rt(r, "exec", "--detach", "--pid-file", pidFile.toString(), "x-" + r, "sleep", "30").ok();
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            assertEquals(cgroupFile(initPid(r, "x-" + r), "memory", "memory.limit_in_bytes"), cgroupFile(pid, "memory", "memory.limit_in_bytes"),
                    r + ": the detached exec is in the container's cgroup");
            // every hierarchy, v2 too (the process is born there), seen from the host: the init's cgroups
            assertEquals(Files.readString(Path.of("/proc/" + initPid(r, "x-" + r) + "/cgroup")), Files.readString(Path.of("/proc/" + pid + "/cgroup")), r);
            for (String ns : List.of("pid", "mnt", "cgroup", "net", "ipc", "uts"))
                assertEquals(Files.readSymbolicLink(Path.of("/proc/" + initPid(r, "x-" + r) + "/ns/" + ns)), Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/" + ns)), r + " " + ns);
            Sandbox.Result ps = rt(r, "ps", "--format", "json", "x-" + r);
            assertTrue(ps.ok().out().strip().matches("\\[\\d+(,\\d+)*\\]"), r + ": " + ps);
            assertTrue(ps.out().contains(Long.toString(pid)), r + ": " + ps);
            Sandbox.Result table = rt(r, "ps", "x-" + r);
            assertTrue(table.ok().out().startsWith("UID") && table.out().contains("sleep 30"), r + ": " + table);
        }
        assertEquals(outs[1], outs[0], "jrun exec vs runc exec");
        assertTrue(outs[0].startsWith("inside\nuid=1000 gid=1000 groups=5\n/tmp\nA=b\n"), outs[0]);
        assertTrue(outs[0].contains("NoNewPrivs:\t1"), outs[0]);
    }

    /** delete --force of a paused container: its processes die (a v1 freezer holds a SIGKILL until thawed) and its cgroups go. */
    @Test
    void deleteForceOfAPausedContainer() throws Exception {
        for (String r : List.of("jrun", "runc")) {
            String id = "p-" + r;
            rt(r, "run", "--detach", "--bundle", bundle.toString(), id).ok();
            long pid = initPid(r, id);
            Path freezer = cgroupDir(pid, "freezer"), memory = cgroupDir(pid, "memory");
            rt(r, "pause", id).ok();
            assertEquals("FROZEN", Files.readString(freezer.resolve("freezer.state")).strip(), r);
            rt(r, "delete", "--force", id).ok();
            assertTrue(deadOrZombie(pid), r + ": the init is gone");
            assertFalse(Files.exists(freezer), r + ": " + freezer + " removed");
            assertFalse(Files.exists(memory), r + ": " + memory + " removed");
            assertTrue(rt(r, "state", id).err().contains("does not exist"), r);
        }
    }

    /** Gone, or a zombie its reaper (pid 1 here, which reaps with a delay) has yet to collect. */
    static boolean deadOrZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
        } catch (java.io.IOException e) {
            return true;
        }
    }

    @Test
    void pauseResumeUpdateEvents() throws Exception {
        Map<String, java.util.Set<String>> statsKeys = new java.util.HashMap<>();
        for (String r : List.of("jrun", "runc")) {
            String id = "m-" + r;
            rt(r, "run", "--detach", "--bundle", bundle.toString(), id).ok();
            rt(r, "pause", id).ok();
            assertTrue(rt(r, "state", id).ok().out().contains("\"status\": \"paused\""), r);
            Sandbox.Result refused = rt(r, "exec", id, "true");
            assertTrue(refused.status() != 0 && refused.err().contains("paused"), r + ": " + refused);
            rt(r, "resume", id).ok();
            assertTrue(rt(r, "state", id).ok().out().contains("\"status\": \"running\""), r);
            rt(r, "update", "--memory", "33554432", "--pids-limit", "7", id).ok();
            long pid = initPid(r, id);
            assertEquals("33554432", cgroupFile(pid, "memory", "memory.limit_in_bytes"), r);
            assertEquals("7", cgroupFile(pid, "pids", "pids.max"), r);
            Path res = Files.writeString(sb.dir.resolve(r + "-res.json"), "{\"cpu\":{\"quota\":20000,\"period\":100000}}");
            rt(r, "update", "--resources", res.toString(), id).ok();
            assertEquals("20000", cgroupFile(pid, "cpu", "cpu.cfs_quota_us"), r);
            rt(r, "exec", "--detach", id, "sleep", "1000").ok(); // a second process for pids.current to count
            Path procsFile = cgroupDir(pid, "pids").resolve("cgroup.procs");
            // runc's exec leaves its setup process behind for a moment: wait for the two sleeps alone
            for (int i = 0; i < 250 && Files.readAllLines(procsFile).size() != 2; i++) Thread.sleep(20);
            List<String> procs = Files.readAllLines(procsFile);

            // the stats, between two readings of the counters they come from (cpu time only grows)
            Path acct = cgroupDir(pid, "cpuacct");
            long cpuBefore = Long.parseLong(Files.readString(acct.resolve("cpuacct.usage")).strip());
            Map<String, Long> ticksBefore = keyed(acct.resolve("cpuacct.stat"));
            Map<?, ?> ev = (Map<?, ?>) Json.parse(rt(r, "events", "--stats", id).ok().out());
            long cpuAfter = Long.parseLong(Files.readString(acct.resolve("cpuacct.usage")).strip());
            Map<String, Long> ticksAfter = keyed(acct.resolve("cpuacct.stat"));
            assertEquals("stats", ev.get("type"), r);
            assertEquals(id, ev.get("id"), r);
            Map<?, ?> data = (Map<?, ?>) ev.get("data");

            Map<?, ?> pids = (Map<?, ?>) data.get("pids");
            assertEquals(procs, Files.readAllLines(procsFile), r + ": the same processes before and after the stats");
            assertEquals(2, procs.size(), r + ": the init and the exec'd sleep: " + procs);
            assertEquals(Integer.toString(procs.size()), pids.get("current").toString(), r + ": pids.current counts the processes running");
            assertEquals("7", pids.get("limit").toString(), r);

            Map<?, ?> usage = (Map<?, ?>) ((Map<?, ?>) data.get("cpu")).get("usage");
            long total = num(usage.get("total"));
            assertTrue(cpuBefore <= total && total <= cpuAfter, r + ": cpu total " + total + " within cpuacct.usage " + cpuBefore + ".." + cpuAfter);
            assertEquals(total, ((List<?>) usage.get("percpu")).stream().mapToLong(ExecAndManageIT::num).sum(), r + ": total is the sum of percpu");
            long tick = 10_000_000; // USER_HZ 100
            for (String[] k : new String[][] {{"kernel", "system"}, {"user", "user"}}) {
                long v = num(usage.get(k[0]));
                assertTrue(ticksBefore.get(k[1]) * tick <= v && v <= ticksAfter.get(k[1]) * tick,
                        r + ": cpu " + k[0] + " " + v + " within cpuacct.stat " + k[1] + " " + ticksBefore.get(k[1]) + ".." + ticksAfter.get(k[1]) + " ticks");
            }

            Map<?, ?> mem = (Map<?, ?>) data.get("memory");
            Map<?, ?> memUsage = (Map<?, ?>) mem.get("usage");
            assertEquals("33554432", memUsage.get("limit").toString(), r);
            long used = num(memUsage.get("usage"));
            assertTrue(used > 0 && used <= 33554432 && num(memUsage.get("max")) >= used, r + ": memory usage " + memUsage);
            Map<?, ?> raw = (Map<?, ?>) mem.get("raw");
            assertEquals(keyed(cgroupDir(pid, "memory").resolve("memory.stat")).keySet(), keySet(raw), r + ": raw is memory.stat");
            assertEquals("33554432", raw.get("hierarchical_memory_limit").toString(), r);
            statsKeys.put(r, keyPaths("", data));
        }
        // runc's stats types mark these numbers omitempty: each appears only when its value is not 0
        // (a container that was never throttled, a cgroup with no page cache), so either side may lack them
        java.util.Set<String> omitEmpty = java.util.Set.of("cpu.throttling.periods", "cpu.throttling.throttled_periods",
                "cpu.throttling.throttled_time", "memory.cache");
        java.util.Set<String> runcKeys = new java.util.TreeSet<>(statsKeys.get("runc")), jrunKeys = new java.util.TreeSet<>(statsKeys.get("jrun"));
        runcKeys.removeAll(omitEmpty);
        jrunKeys.removeAll(omitEmpty);
        assertEquals(runcKeys, jrunKeys, "the same stats fields as runc's");
    }

    static long num(Object o) {
        return Long.parseLong(o.toString());
    }

    static java.util.Set<String> keySet(Map<?, ?> m) {
        java.util.Set<String> keys = new java.util.TreeSet<>();
        for (Object k : m.keySet()) keys.add(k.toString());
        return keys;
    }

    /** Every field's path in a JSON object tree ("memory.usage.limit"), lists as leaves. */
    static java.util.Set<String> keyPaths(String prefix, Map<?, ?> m) {
        java.util.Set<String> paths = new java.util.TreeSet<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String p = prefix + e.getKey();
            paths.add(p);
            if (e.getValue() instanceof Map<?, ?> sub) paths.addAll(keyPaths(p + ".", sub));
        }
        return paths;
    }

    /** A cgroup "key value" file (cpuacct.stat, memory.stat). */
    static Map<String, Long> keyed(Path file) throws Exception {
        Map<String, Long> m = new java.util.TreeMap<>();
        for (String l : Files.readAllLines(file)) {
            String[] f = l.split(" ");
            m.put(f[0], Long.parseLong(f[1]));
        }
        return m;
    }

    @Test
    void execIntoAUserNamespaceAndOomScoreAdjThere() throws Exception {
        Path b = sb.bundle("u", c -> {
            Sandbox.args(c, "sleep", "1000");
            Sandbox.process(c).put("oomScoreAdj", Json.parse("300"));
            @SuppressWarnings("unchecked")
            List<Object> ns = (List<Object>) Sandbox.linux(c).get("namespaces");
            ns.add(Json.parse("{\"type\":\"user\"}"));
            Sandbox.linux(c).put("uidMappings", Json.parse("[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]"));
            Sandbox.linux(c).put("gidMappings", Json.parse("[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]"));
            Sandbox.mounts(c).removeIf(m -> ((java.util.Map<?, ?>) m).get("destination").toString().startsWith("/sys"));
        });
        sb.jrun("run", "--detach", "--bundle", b.toString(), "u1").ok();
        Sandbox.Result e = sb.jrun("exec", "u1", "sh", "-c", "id -u; cat /proc/self/uid_map; cat /proc/1/oom_score_adj").ok();
        assertEquals("0\n0 100000 65536\n300\n", e.out().replaceAll("[ \t]+", " ").replaceAll("(?m)^ ", ""));
        long pid = initPid("jrun", "u1");
        assertEquals(Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/user")).toString(),
                sb.jrun("exec", "u1", "readlink", "/proc/self/ns/user").ok().out().strip(), "exec joined the container's user namespace");
    }
}
