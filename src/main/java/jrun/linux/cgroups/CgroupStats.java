package jrun.linux.cgroups;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import jrun.JrunException;
import jrun.linux.ProcFiles;
import jrun.spec.JsonNumber;

/**
 * {@code events --stats}: reads a container's cgroup counters into the JSON shape of runc's
 * types.Stats ({"cpu":{"usage":..,"throttling":..},"memory":{..},"pids":{..},...}), which
 * containerd's runc shim decodes, and the OOM-kill count the events loop watches. Absent files
 * (a controller not mounted, a kernel without the counter) leave their fields at zero, as runc.
 */
public final class CgroupStats {
    private CgroupStats() {}

    private static final BigInteger MAX_U64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    /** USER_HZ: cpuacct.stat counts in 1/100 s. */
    private static final long NS_PER_TICK = 10_000_000L;

    /** The event line runc prints: {"type":"stats","id":ID,"data":{...}}. */
    public static Map<String, Object> event(String type, String id, Map<String, Object> data) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", type);
        e.put("id", id);
        if (data != null) e.put("data", data);
        return e;
    }

    /** cgroup v1: dirOf maps "cpu", "cpuacct", "memory", "pids", "hugetlb" to the container's directories (null = absent). */
    public static Map<String, Object> readV1(Function<String, Path> dirOf) {
        Map<String, Object> cpu = cpu();
        Path acct = dirOf.apply("cpuacct");
        if (acct != null) {
            Map<String, Object> usage = obj(cpu, "usage");
            Map<String, BigInteger> st = keyed(acct.resolve("cpuacct.stat"));
            usage.clear(); // Go's field order: total, percpu, percpu_kernel, percpu_user, kernel, user
            put(usage, "total", num(acct.resolve("cpuacct.usage")));
            List<Object> percpu = new ArrayList<>();
            String pc = text(acct.resolve("cpuacct.usage_percpu"));
            if (pc != null) for (String v : pc.trim().split("\\s+")) if (!v.isEmpty()) percpu.add(JsonNumber.of(new BigInteger(v)));
            if (!percpu.isEmpty()) usage.put("percpu", percpu);
            List<Object> kernel = new ArrayList<>(), user = new ArrayList<>();
            String all = text(acct.resolve("cpuacct.usage_all")); // "cpu user system" then one line per cpu, in ns
            if (all != null) for (String line : all.split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 3 && f[0].matches("\\d+")) {
                    user.add(JsonNumber.of(new BigInteger(f[1])));
                    kernel.add(JsonNumber.of(new BigInteger(f[2])));
                }
            }
            if (!kernel.isEmpty()) usage.put("percpu_kernel", kernel);
            if (!user.isEmpty()) usage.put("percpu_user", user);
            usage.put("kernel", JsonNumber.of(st.getOrDefault("system", BigInteger.ZERO).multiply(BigInteger.valueOf(NS_PER_TICK))));
            usage.put("user", JsonNumber.of(st.getOrDefault("user", BigInteger.ZERO).multiply(BigInteger.valueOf(NS_PER_TICK))));
        }
        Path cpuDir = dirOf.apply("cpu");
        if (cpuDir != null) throttling(cpu, keyed(cpuDir.resolve("cpu.stat")), 1);
        Map<String, Object> mem = new LinkedHashMap<>();
        Path m = dirOf.apply("memory");
        if (m != null) {
            Map<String, BigInteger> stat = keyed(m.resolve("memory.stat"));
            put(mem, "cache", stat.getOrDefault("total_cache", stat.getOrDefault("cache", BigInteger.ZERO)));
            mem.put("usage", entryV1(m, "memory"));
            mem.put("swap", entryV1(m, "memory.memsw"));
            mem.put("kernel", entryV1(m, "memory.kmem"));
            mem.put("kernelTCP", entryV1(m, "memory.kmem.tcp"));
            mem.put("raw", raw(stat));
        }
        return data(cpu, cpuset(dirOf.apply("cpuset")), mem, pids(dirOf.apply("pids")));
    }

    /** cgroup v2: all counters in the one directory. */
    public static Map<String, Object> readV2(Path dir) {
        Map<String, Object> cpu = cpu();
        Map<String, BigInteger> st = keyed(dir.resolve("cpu.stat"));
        Map<String, Object> usage = obj(cpu, "usage");
        BigInteger thousand = BigInteger.valueOf(1000);
        usage.clear(); // Go's field order: total first
        put(usage, "total", st.getOrDefault("usage_usec", BigInteger.ZERO).multiply(thousand));
        usage.put("kernel", JsonNumber.of(st.getOrDefault("system_usec", BigInteger.ZERO).multiply(thousand)));
        usage.put("user", JsonNumber.of(st.getOrDefault("user_usec", BigInteger.ZERO).multiply(thousand)));
        throttling(cpu, st, 1000);
        Map<String, Object> mem = new LinkedHashMap<>();
        Map<String, BigInteger> stat = keyed(dir.resolve("memory.stat"));
        put(mem, "cache", stat.getOrDefault("file", BigInteger.ZERO));
        Map<String, BigInteger> events = keyed(dir.resolve("memory.events"));
        BigInteger memUsage = num(dir.resolve("memory.current")), memLimit = limit(dir.resolve("memory.max"));
        mem.put("usage", entry(memLimit, memUsage, num(dir.resolve("memory.peak")), events.getOrDefault("max", BigInteger.ZERO)));
        // v1 reports swap as memory+swap; runc reports v2 the same way for compatibility
        BigInteger swapLimit = limit(dir.resolve("memory.swap.max"));
        if (!swapLimit.equals(MAX_U64)) swapLimit = swapLimit.add(memLimit).min(MAX_U64);
        BigInteger swapUsage = nz(num(dir.resolve("memory.swap.current"))).add(nz(memUsage));
        mem.put("swap", entry(swapLimit, swapUsage, null, BigInteger.ZERO));
        mem.put("raw", raw(stat));
        return data(cpu, cpuset(null), mem, pids(dir));
    }

    /** OOM kills so far (v1 memory.oom_control or v2 memory.events "oom_kill"); the events loop reports increases. */
    public static long oomKills(Path memoryDir, boolean v2) {
        Map<String, BigInteger> m = keyed(memoryDir.resolve(v2 ? "memory.events" : "memory.oom_control"));
        return m.getOrDefault("oom_kill", BigInteger.ZERO).longValue();
    }

    /** Go's field order of types.Stats; blkio, hugetlb and intel_rdt are not read yet and stay empty. */
    private static Map<String, Object> data(Map<String, Object> cpu, Map<String, Object> cpuset, Map<String, Object> mem,
            Map<String, Object> pids) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("cpu", cpu);
        d.put("cpuset", cpuset);
        d.put("memory", mem);
        d.put("pids", pids);
        d.put("blkio", new LinkedHashMap<>());
        d.put("hugetlb", new LinkedHashMap<>());
        d.put("intel_rdt", new LinkedHashMap<>());
        d.put("network_interfaces", null);
        return d;
    }

    /** types.CPUSet from a v1 cpuset directory (null: the zero struct Go prints). */
    private static Map<String, Object> cpuset(Path dir) {
        Map<String, Object> c = new LinkedHashMap<>();
        List<Object> cpus = dir == null ? List.of() : ranges(text(dir.resolve("cpuset.cpus")));
        List<Object> mems = dir == null ? List.of() : ranges(text(dir.resolve("cpuset.mems")));
        if (!cpus.isEmpty()) c.put("cpus", cpus);
        c.put("cpu_exclusive", flag(dir, "cpuset.cpu_exclusive"));
        if (!mems.isEmpty()) c.put("mems", mems);
        c.put("mem_hardwall", flag(dir, "cpuset.mem_hardwall"));
        c.put("mem_exclusive", flag(dir, "cpuset.mem_exclusive"));
        c.put("memory_migrate", flag(dir, "cpuset.memory_migrate"));
        c.put("memory_spread_page", flag(dir, "cpuset.memory_spread_page"));
        c.put("memory_spread_slab", flag(dir, "cpuset.memory_spread_slab"));
        c.put("memory_pressure", flag(dir, "cpuset.memory_pressure"));
        c.put("sched_load_balance", flag(dir, "cpuset.sched_load_balance"));
        c.put("sched_relax_domain_level", flag(dir, "cpuset.sched_relax_domain_level"));
        return c;
    }

    private static JsonNumber flag(Path dir, String file) {
        String t = dir == null ? null : text(dir.resolve(file));
        return JsonNumber.of(t == null || t.isBlank() ? BigInteger.ZERO : new BigInteger(t.trim()));
    }

    /** "0-2,5" as [0,1,2,5]. */
    private static List<Object> ranges(String list) {
        List<Object> out = new ArrayList<>();
        if (list == null) return out;
        for (String part : list.trim().split(",")) {
            if (part.isEmpty()) continue;
            int dash = part.indexOf('-');
            int lo = Integer.parseInt(dash < 0 ? part : part.substring(0, dash)), hi = dash < 0 ? lo : Integer.parseInt(part.substring(dash + 1));
            for (int i = lo; i <= hi; i++) out.add(JsonNumber.of(i));
        }
        return out;
    }

    private static Map<String, Object> cpu() {
        Map<String, Object> cpu = new LinkedHashMap<>();
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("kernel", JsonNumber.of(0)); // the only CpuUsage fields without omitempty
        usage.put("user", JsonNumber.of(0));
        cpu.put("usage", usage);
        cpu.put("throttling", new LinkedHashMap<>());
        return cpu;
    }

    private static void throttling(Map<String, Object> cpu, Map<String, BigInteger> st, long timeScale) {
        Map<String, Object> t = obj(cpu, "throttling");
        put(t, "periods", st.get("nr_periods"));
        put(t, "throttledPeriods", st.get("nr_throttled"));
        BigInteger time = st.containsKey("throttled_time") ? st.get("throttled_time")
                : st.containsKey("throttled_usec") ? st.get("throttled_usec").multiply(BigInteger.valueOf(timeScale)) : null;
        put(t, "throttledTime", time);
    }

    private static Map<String, Object> pids(Path dir) {
        Map<String, Object> p = new LinkedHashMap<>();
        if (dir == null) return p;
        put(p, "current", num(dir.resolve("pids.current")));
        BigInteger max = limit(dir.resolve("pids.max"));
        put(p, "limit", max.equals(MAX_U64) ? BigInteger.ZERO : max); // runc: 0 means no limit
        return p;
    }

    private static Map<String, Object> entryV1(Path m, String prefix) {
        return entry(nz(num(m.resolve(prefix + ".limit_in_bytes"))), num(m.resolve(prefix + ".usage_in_bytes")),
                num(m.resolve(prefix + ".max_usage_in_bytes")), nz(num(m.resolve(prefix + ".failcnt"))));
    }

    private static Map<String, Object> entry(BigInteger limit, BigInteger usage, BigInteger max, BigInteger failcnt) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("limit", JsonNumber.of(limit));
        put(e, "usage", usage);
        put(e, "max", max);
        e.put("failcnt", JsonNumber.of(failcnt));
        return e;
    }

    private static Map<String, Object> raw(Map<String, BigInteger> stat) {
        Map<String, Object> raw = new LinkedHashMap<>();
        stat.forEach((k, v) -> raw.put(k, JsonNumber.of(v)));
        return raw;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> obj(Map<String, Object> m, String k) {
        return (Map<String, Object>) m.get(k);
    }

    /** Go's omitempty: a zero counter is left out. */
    private static void put(Map<String, Object> m, String k, BigInteger v) {
        if (v != null && v.signum() != 0) m.put(k, JsonNumber.of(v));
    }

    private static BigInteger nz(BigInteger v) {
        return v == null ? BigInteger.ZERO : v;
    }

    /** A "max"-or-number file: max is 2^64-1 as in runc. */
    private static BigInteger limit(Path f) {
        String t = text(f);
        if (t == null) return MAX_U64;
        t = t.trim();
        return t.equals("max") ? MAX_U64 : new BigInteger(t);
    }

    private static BigInteger num(Path f) {
        String t = text(f);
        return t == null || t.isBlank() ? null : new BigInteger(t.trim());
    }

    /** "key value" lines (memory.stat, cpu.stat, memory.events, cpuacct.stat, memory.oom_control). */
    private static Map<String, BigInteger> keyed(Path f) {
        Map<String, BigInteger> m = new LinkedHashMap<>();
        String t = text(f);
        if (t == null) return m;
        for (String line : t.split("\n")) {
            String[] kv = line.trim().split("\\s+");
            if (kv.length == 2 && kv[1].matches("\\d+")) m.put(kv[0], new BigInteger(kv[1]));
        }
        return m;
    }

    private static String text(Path f) {
        try {
            return ProcFiles.read(f);
        } catch (NoSuchFileException e) {
            return null;
        } catch (java.io.FileNotFoundException e) {
            return null;
        } catch (IOException e) {
            throw new JrunException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }
}
