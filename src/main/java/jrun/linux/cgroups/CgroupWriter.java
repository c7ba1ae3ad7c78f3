package jrun.linux.cgroups;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import jrun.JrunException;
import jrun.spec.ConfigTree;
import jrun.spec.JsonNumber;

/**
 * Turns {@code linux.resources} into cgroup file writes, the way runc's cgroupfs drivers do
 * (libcontainer/cgroups/fs and fs2). Only plans writes; {@link CgroupWrite#apply} performs them.
 * A field that cannot be applied on this cgroup version is an error naming it, never skipped.
 */
public final class CgroupWriter {
    private final Map<String, Object> res;
    private final String path;
    private final List<CgroupWrite> out = new ArrayList<>();

    private final boolean devices;

    private CgroupWriter(Map<String, Object> resources, String path, boolean devices) {
        this.res = resources == null ? Map.of() : resources;
        this.path = path;
        this.devices = devices;
    }

    /**
     * cgroup v1: dirOf maps a controller ("memory", "cpu", "cpuset", "pids", "blkio", "hugetlb",
     * "net_cls", "net_prio", "devices") to the container's directory on it, or null when absent.
     */
    public static List<CgroupWrite> planV1(Map<String, Object> resources, String path, Function<String, Path> dirOf) {
        return new CgroupWriter(resources, path, true).v1(dirOf);
    }

    /**
     * For {@code update}: as {@link #planV1} but leaves the device list alone, as runc update does
     * (the list, with runc's defaults, was set at create).
     */
    public static List<CgroupWrite> planV1Update(Map<String, Object> resources, String path, Function<String, Path> dirOf) {
        return new CgroupWriter(resources, path, false).v1(dirOf);
    }

    /**
     * cgroup v2: every file lives in the container's one directory. Devices are not files there:
     * compile {@link DeviceRule#effective} with {@link DeviceFilter} and attach the program.
     */
    public static List<CgroupWrite> planV2(Map<String, Object> resources, String path, Path dir) {
        return new CgroupWriter(resources, path, false).v2(dir);
    }

    /**
     * A new v1 cpuset cgroup starts with empty cpus and mems, and no task can join it; runc fills
     * them from the parent. Returns those writes for the ones still empty (run after mkdir, before
     * the resource writes).
     */
    public static List<CgroupWrite> v1CpusetDefaults(Path cpusetDir) {
        List<CgroupWrite> w = new ArrayList<>();
        for (String f : List.of("cpuset.cpus", "cpuset.mems")) {
            try {
                if (!jrun.linux.ProcFiles.read(cpusetDir.resolve(f)).isBlank()) continue;
                w.add(new CgroupWrite(cpusetDir.resolve(f), jrun.linux.ProcFiles.read(cpusetDir.getParent().resolve(f)).strip()));
            } catch (java.io.IOException e) {
                throw new JrunException("cannot read " + cpusetDir.resolve(f) + ": " + e.getMessage(), e);
            }
        }
        return w;
    }

    /**
     * cgroup v2: before a cgroup can use a controller, every ancestor must list it in
     * cgroup.subtree_control. As runc, enables at each level from the mount's root down to the
     * container's parent every controller that level offers (cgroup.controllers); directories must
     * exist already (mkdir them first). Already enabled ones are skipped.
     */
    public static List<CgroupWrite> v2EnableControllers(Path mountPoint, Path containerDir) {
        List<CgroupWrite> w = new ArrayList<>();
        Path rel = mountPoint.relativize(containerDir);
        Path dir = mountPoint;
        for (int i = 0; i < rel.getNameCount(); i++) {
            try {
                String offered = jrun.linux.ProcFiles.read(dir.resolve("cgroup.controllers")).strip();
                List<String> on = List.of(jrun.linux.ProcFiles.read(dir.resolve("cgroup.subtree_control")).strip().split("\\s+"));
                StringBuilder add = new StringBuilder();
                if (!offered.isEmpty()) for (String c : offered.split("\\s+")) {
                    if (!on.contains(c)) add.append(add.isEmpty() ? "" : " ").append('+').append(c);
                }
                if (!add.isEmpty()) w.add(new CgroupWrite(dir.resolve("cgroup.subtree_control"), add.toString()));
            } catch (java.io.IOException e) {
                throw new JrunException("cannot read the controllers of " + dir + ": " + e.getMessage(), e);
            }
            dir = dir.resolve(rel.getName(i));
        }
        return w;
    }

    private List<CgroupWrite> v1(Function<String, Path> dirOf) {
        if (res.get("unified") instanceof Map<?, ?> u && !u.isEmpty()) {
            throw new JrunException(path + ".unified: cgroup v2 keys cannot be used on cgroup v1");
        }
        Map<String, Object> mem = obj("memory");
        if (mem != null) {
            Path d = need(dirOf, "memory", "memory");
            Long limit = nz(num(mem, "memory", "limit")), swap = nz(num(mem, "memory", "swap"));
            if (limit != null && swap != null && swap != -1 && limit != -1 && swap < limit) {
                throw new JrunException(path + ".memory.swap: memory+swap limit (" + swap + ") should be >= memory limit (" + limit + ")");
            }
            // the kernel keeps limit <= memsw at every step: raising both past the current memsw needs
            // memsw first, anything else (a new cgroup: memsw unlimited) the limit first, as runc does
            if (limit != null && swap != null && raisesPastMemsw(d, limit)) {
                put(d, "memory.memsw.limit_in_bytes", swap);
                put(d, "memory.limit_in_bytes", limit);
            } else {
                put(d, "memory.limit_in_bytes", limit);
                put(d, "memory.memsw.limit_in_bytes", swap);
            }
            put(d, "memory.soft_limit_in_bytes", nz(num(mem, "memory", "reservation")));
            put(d, "memory.kmem.limit_in_bytes", nz(num(mem, "memory", "kernel")));
            put(d, "memory.kmem.tcp.limit_in_bytes", nz(num(mem, "memory", "kernelTCP")));
            Long sw = num(mem, "memory", "swappiness");
            if (sw != null && (sw < 0 || sw > 100)) throw new JrunException(path + ".memory.swappiness: must be 0..100, not " + sw);
            put(d, "memory.swappiness", sw);
            if (Boolean.TRUE.equals(mem.get("disableOOMKiller"))) out.add(new CgroupWrite(d.resolve("memory.oom_control"), "1"));
        }
        Map<String, Object> cpu = obj("cpu");
        if (cpu != null) {
            Long shares = nz(num(cpu, "cpu", "shares")), period = nz(num(cpu, "cpu", "period")), quota = nz(num(cpu, "cpu", "quota")),
                    burst = num(cpu, "cpu", "burst"), rtPeriod = nz(num(cpu, "cpu", "realtimePeriod")),
                    rtRuntime = nz(num(cpu, "cpu", "realtimeRuntime")), idle = num(cpu, "cpu", "idle");
            if (shares != null || period != null || quota != null || burst != null || rtPeriod != null || rtRuntime != null || idle != null) {
                Path d = need(dirOf, "cpu", "cpu");
                put(d, "cpu.shares", shares);
                put(d, "cpu.cfs_period_us", period); // period first: a quota is checked against it
                put(d, "cpu.cfs_quota_us", quota);
                put(d, "cpu.cfs_burst_us", burst);
                put(d, "cpu.rt_period_us", rtPeriod);
                put(d, "cpu.rt_runtime_us", rtRuntime);
                put(d, "cpu.idle", idle);
            }
            cpuset(cpu, () -> need(dirOf, "cpuset", "cpu.cpus"));
        }
        Map<String, Object> pids = obj("pids");
        if (pids != null) pidsMax(pids, need(dirOf, "pids", "pids"));
        Map<String, Object> blk = obj("blockIO");
        if (blk != null && (nz(num(blk, "blockIO", "weight")) != null || nz(num(blk, "blockIO", "leafWeight")) != null
                || has(blk, "weightDevice", "throttleReadBpsDevice", "throttleWriteBpsDevice", "throttleReadIOPSDevice",
                        "throttleWriteIOPSDevice"))) {
            Path d = need(dirOf, "blkio", "blockIO");
            put(d, "blkio.weight", nz(num(blk, "blockIO", "weight")));
            put(d, "blkio.leaf_weight", nz(num(blk, "blockIO", "leafWeight")));
            devices(blk, "weightDevice", "weight", d, "blkio.weight_device");
            devices(blk, "weightDevice", "leafWeight", d, "blkio.leaf_weight_device");
            devices(blk, "throttleReadBpsDevice", "rate", d, "blkio.throttle.read_bps_device");
            devices(blk, "throttleWriteBpsDevice", "rate", d, "blkio.throttle.write_bps_device");
            devices(blk, "throttleReadIOPSDevice", "rate", d, "blkio.throttle.read_iops_device");
            devices(blk, "throttleWriteIOPSDevice", "rate", d, "blkio.throttle.write_iops_device");
        }
        hugepages(() -> need(dirOf, "hugetlb", "hugepageLimits"), ".limit_in_bytes");
        Map<String, Object> net = obj("network");
        if (net != null) {
            Long classId = nz(num(net, "network", "classID"));
            if (classId != null) put(need(dirOf, "net_cls", "network.classID"), "net_cls.classid", classId);
            List<Object> prios = ConfigTree.optArray(net, "priorities", path + ".network.priorities");
            if (prios != null && !prios.isEmpty()) {
                Path d = need(dirOf, "net_prio", "network.priorities");
                for (int i = 0; i < prios.size(); i++) {
                    String at = path + ".network.priorities[" + i + "]";
                    Map<String, Object> p = ConfigTree.object(prios.get(i), at);
                    String name = ConfigTree.string(p.get("name"), at + ".name");
                    out.add(new CgroupWrite(d.resolve("net_prio.ifpriomap"), name + " " + num(p, "network.priorities[" + i + "]", "priority")));
                }
            }
        }
        List<Object> devs = ConfigTree.optArray(res, "devices", path + ".devices");
        if (devices) {
            Path d = need(dirOf, "devices", "devices");
            out.add(new CgroupWrite(d.resolve("devices.deny"), "a")); // start from deny-all, as runc does
            List<DeviceRule> rules = DeviceRule.effective(devs, path + ".devices");
            DeviceRule.checkV1(rules, devs == null ? 0 : devs.size(), path + ".devices");
            for (DeviceRule r : rules) {
                out.add(new CgroupWrite(d.resolve(r.allow() ? "devices.allow" : "devices.deny"), r.v1Line()));
            }
        }
        return List.copyOf(out);
    }

    private List<CgroupWrite> v2(Path d) {
        Map<String, Object> mem = obj("memory");
        if (mem != null) {
            refuse(mem, "memory", "kernel", "kernelTCP", "swappiness");
            if (Boolean.TRUE.equals(mem.get("disableOOMKiller"))) {
                throw new JrunException(path + ".memory.disableOOMKiller: not supported on cgroup v2");
            }
            Long limit = nz(num(mem, "memory", "limit")), swap = nz(num(mem, "memory", "swap"));
            Long swapV2 = swapToV2(swap == null ? 0 : swap, limit == null ? 0 : limit);
            put2(d, "memory.max", limit);
            if (swap != null || (limit != null && limit == -1)) put2(d, "memory.swap.max", swapV2);
            put2(d, "memory.low", nz(num(mem, "memory", "reservation")));
        }
        Map<String, Object> cpu = obj("cpu");
        if (cpu != null) {
            refuse(cpu, "cpu", "realtimeRuntime", "realtimePeriod");
            Long shares = num(cpu, "cpu", "shares");
            if (shares != null && shares != 0) {
                // runc's conversion: shares [2, 262144] onto weight [1, 10000]
                out.add(new CgroupWrite(d.resolve("cpu.weight"), Long.toString(1 + ((shares - 2) * 9999) / 262142)));
            }
            Long quota = nz(num(cpu, "cpu", "quota")), period = nz(num(cpu, "cpu", "period"));
            if (quota != null || period != null) {
                String q = quota == null || quota <= 0 ? "max" : Long.toString(quota);
                out.add(new CgroupWrite(d.resolve("cpu.max"), q + " " + (period == null || period == 0 ? 100000 : period)));
            }
            put(d, "cpu.max.burst", num(cpu, "cpu", "burst"));
            put(d, "cpu.idle", num(cpu, "cpu", "idle"));
            cpuset(cpu, () -> d);
        }
        Map<String, Object> pids = obj("pids");
        if (pids != null) pidsMax(pids, d);
        Map<String, Object> blk = obj("blockIO");
        if (blk != null) {
            refuse(blk, "blockIO", "leafWeight");
            Long w = num(blk, "blockIO", "weight");
            if (w != null && w != 0) { // runc's conversion: blkio weight [10, 1000] onto io.weight [1, 10000]
                out.add(new CgroupWrite(d.resolve("io.weight"), "default " + (1 + (w - 10) * 9999 / 990)));
            }
            devices(blk, "weightDevice", "weight", d, "io.weight");
            devices(blk, "throttleReadBpsDevice", "rate", d, "io.max", "rbps=");
            devices(blk, "throttleWriteBpsDevice", "rate", d, "io.max", "wbps=");
            devices(blk, "throttleReadIOPSDevice", "rate", d, "io.max", "riops=");
            devices(blk, "throttleWriteIOPSDevice", "rate", d, "io.max", "wiops=");
        }
        hugepages(() -> d, ".max");
        Map<String, Object> net = obj("network");
        if (net != null && (net.get("classID") != null || net.get("priorities") instanceof List<?> l && !l.isEmpty())) {
            throw new JrunException(path + ".network: net_cls and net_prio do not exist on cgroup v2");
        }
        Map<String, Object> unified = obj("unified");
        if (unified != null) {
            for (Map.Entry<String, Object> e : unified.entrySet()) {
                String k = e.getKey(), at = path + ".unified[\"" + k + "\"]";
                if (k.isEmpty() || k.contains("/") || k.equals(".") || k.equals("..") || !k.contains(".")) {
                    throw new JrunException(at + ": must be a cgroup file name such as \"memory.high\"");
                }
                out.add(new CgroupWrite(d.resolve(k), ConfigTree.string(e.getValue(), at)));
            }
        }
        return List.copyOf(out);
    }

    /** runc's ConvertMemorySwapToCgroupV2Value: v1's memory+swap becomes v2's swap alone. */
    private Long swapToV2(long swap, long limit) {
        if (limit == -1 && swap == 0) return -1L;
        if (swap == -1 || swap == 0) return swap;
        if (limit == 0 || limit == -1) throw new JrunException(path + ".memory.swap: unable to set a swap limit without a memory limit");
        if (swap < limit) throw new JrunException(path + ".memory.swap: memory+swap limit (" + swap + ") should be >= memory limit (" + limit + ")");
        return swap - limit;
    }

    /** pids.max on v1 and v2: a positive limit, else "max" for -1; 0 leaves it alone, as in runc. */
    private void pidsMax(Map<String, Object> pids, Path d) {
        Long n = nz(num(pids, "pids", "limit"));
        if (n != null) out.add(new CgroupWrite(d.resolve("pids.max"), n > 0 ? Long.toString(n) : "max"));
    }

    private void cpuset(Map<String, Object> cpu, java.util.function.Supplier<Path> dir) {
        Object cpus = cpu.get("cpus"), mems = cpu.get("mems");
        if (cpus == null && mems == null) return;
        Path d = dir.get();
        if (cpus != null && !ConfigTree.string(cpus, path + ".cpu.cpus").isEmpty()) out.add(new CgroupWrite(d.resolve("cpuset.cpus"), (String) cpus));
        if (mems != null && !ConfigTree.string(mems, path + ".cpu.mems").isEmpty()) out.add(new CgroupWrite(d.resolve("cpuset.mems"), (String) mems));
    }

    private void hugepages(java.util.function.Supplier<Path> dir, String suffix) {
        List<Object> hp = ConfigTree.optArray(res, "hugepageLimits", path + ".hugepageLimits");
        if (hp == null || hp.isEmpty()) return;
        Path d = dir.get();
        for (int i = 0; i < hp.size(); i++) {
            String at = path + ".hugepageLimits[" + i + "]";
            Map<String, Object> h = ConfigTree.object(hp.get(i), at);
            String size = ConfigTree.string(h.get("pageSize"), at + ".pageSize");
            if (!size.matches("[0-9]+[KMG]B")) throw new JrunException(at + ".pageSize: expected a size such as \"2MB\" or \"1GB\", not \"" + size + "\"");
            Object limit = h.get("limit");
            if (!(limit instanceof JsonNumber n)) throw ConfigTree.typeError(at + ".limit", "a number", limit);
            out.add(new CgroupWrite(d.resolve("hugetlb." + size + suffix), n.text()));
        }
    }

    private void devices(Map<String, Object> blk, String key, String field, Path d, String file) {
        devices(blk, key, field, d, file, "");
    }

    /** blockIO per-device entries: "major:minor [prefix]value". */
    private void devices(Map<String, Object> blk, String key, String field, Path d, String file, String prefix) {
        List<Object> l = ConfigTree.optArray(blk, key, path + ".blockIO." + key);
        if (l == null) return;
        for (int i = 0; i < l.size(); i++) {
            String at = "blockIO." + key + "[" + i + "]";
            Map<String, Object> e = ConfigTree.object(l.get(i), path + "." + at);
            Long v = num(e, at, field);
            if (v == null || (v == 0 && field.endsWith("eight"))) continue; // a zero weight is "not set"; a zero rate lifts a limit
            out.add(new CgroupWrite(d.resolve(file), num(e, at, "major") + ":" + num(e, at, "minor") + " " + prefix + v));
        }
    }

    private Map<String, Object> obj(String key) {
        return ConfigTree.optObject(res, key, path + "." + key);
    }

    private Path need(Function<String, Path> dirOf, String controller, String field) {
        Path d = dirOf.apply(controller);
        if (d == null) throw new JrunException(path + "." + field + ": the " + controller + " cgroup controller is not mounted here");
        return d;
    }

    /** Refuses the keys that are set: present and not 0 (runc's "not set"). */
    private void refuse(Map<String, Object> m, String where, String... keys) {
        for (String k : keys) {
            Long v = m.get(k) instanceof Boolean ? null : num(m, where, k);
            if (v == null || v == 0) continue;
            throw new JrunException(path + "." + where + "." + k + ": not supported on cgroup v2");
        }
    }

    /** Whether a new memory limit (-1 = unlimited) exceeds the cgroup's current memsw limit. */
    private static boolean raisesPastMemsw(Path memoryDir, long limit) {
        String current;
        try {
            current = jrun.linux.ProcFiles.read(memoryDir.resolve("memory.memsw.limit_in_bytes")).strip();
        } catch (java.io.IOException e) {
            return false; // no swap accounting, or a plan for a directory not made yet
        }
        return limit == -1 || new BigInteger(current).compareTo(BigInteger.valueOf(limit)) < 0;
    }

    /** runc treats 0 as "not set" for these fields (Docker sends cpu.shares 0 and blockIO.weight 0). */
    private static Long nz(Long v) {
        return v == null || v == 0 ? null : v;
    }

    private static boolean has(Map<String, Object> m, String... keys) {
        for (String k : keys) if (m.get(k) != null) return true;
        return false;
    }

    private Long num(Map<String, Object> m, String where, String key) {
        Object v = m.get(key);
        if (v == null) return null;
        if (!(v instanceof JsonNumber n) || !n.isInteger()) throw ConfigTree.typeError(path + "." + where + "." + key, "an integer", v);
        BigInteger b = n.bigInteger();
        if (b.bitLength() > 63) throw new JrunException(path + "." + where + "." + key + ": out of range: " + n.text());
        return b.longValue();
    }

    private void put(Path d, String file, Long v) {
        if (v != null) out.add(new CgroupWrite(d.resolve(file), Long.toString(v)));
    }

    /** v2 spells unlimited "max". */
    private void put2(Path d, String file, Long v) {
        if (v != null) out.add(new CgroupWrite(d.resolve(file), v == -1 ? "max" : Long.toString(v)));
    }
}
