package jrun.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jrun.linux.cgroups.CgroupLayout;
import jrun.linux.cgroups.CgroupWrite;
import jrun.linux.cgroups.CgroupWriter;
import jrun.linux.seccomp.Arch;
import jrun.linux.seccomp.SeccompCompiler;
import jrun.linux.seccomp.SeccompProgram;
import jrun.spec.ConfigTree;
import jrun.spec.Json;

/**
 * Whole config.json files as Docker 20.10 and Podman 4.3 wrote them on this host (captured by a
 * recording runtime), through every part of this package: nothing refused, the known values out.
 */
class RealConfigsTest {
    @Test
    void dockerRun() throws IOException {
        Map<String, Object> c = config("docker-20.10.24-run.json");
        Map<String, Object> process = ConfigTree.object(c.get("process"), "process"), linux = ConfigTree.object(c.get("linux"), "linux");
        Capabilities.Masks caps = Capabilities.parse(ConfigTree.optObject(process, "capabilities", "process.capabilities"),
                "process.capabilities", 40, Capabilities.Unknown.REJECT);
        assertEquals(0xa80425fbL, caps.bounding()); // Docker's well-known default CapBnd
        assertEquals(0xa80425fbL, caps.effective());
        assertEquals(0, caps.inheritable());
        assertEquals(List.of(new Sysctls.Write("net.ipv4.ip_unprivileged_port_start", Path.of("/proc/sys/net/ipv4/ip_unprivileged_port_start"), "0"),
                new Sysctls.Write("net.ipv4.ping_group_range", Path.of("/proc/sys/net/ipv4/ping_group_range"), "0 2147483647")),
                Sysctls.plan(ConfigTree.optObject(linux, "sysctl", "linux.sysctl"), "linux.sysctl", namespaces(linux), Sysctls::isOwnNetns));
        ProtectedPaths.Lists paths = ProtectedPaths.of(linux, "linux");
        assertTrue(paths.masked().contains("/proc/kcore") && paths.readonly().contains("/proc/sysrq-trigger"), paths.toString());
        SeccompProgram sp = SeccompCompiler.compile(ConfigTree.object(linux.get("seccomp"), "linux.seccomp"), "linux.seccomp", Arch.X86_64);
        assertEquals(0, sp.flags());
        assertTrue(sp.length() < 1024);
        CgroupLayout host = hybrid();
        String cg = host.cgroupPath((String) linux.get("cgroupsPath"), "ec2d31ba0276", "memory", false, false);
        assertEquals("/docker/ec2d31ba0276052b2b07234d418ecee8e96c873d26d3d2e85e406f77944b1c96", cg);
        Map<String, Object> res = ConfigTree.object(linux.get("resources"), "linux.resources");
        // memory (disableOOMKiller false), cpu.shares 0 and blockIO.weight 0 write nothing; the devices, in order
        Path devices = Path.of("/sys/fs/cgroup/devices/docker/ec2d31ba0276052b2b07234d418ecee8e96c873d26d3d2e85e406f77944b1c96");
        List<CgroupWrite> expected = new ArrayList<>(List.of(new CgroupWrite(devices.resolve("devices.deny"), "a")));
        expected.addAll(deviceWrites(devices, res));
        expected.addAll(runcDefaults(devices));
        assertEquals(expected, CgroupWriter.planV1(res, "linux.resources", ctrl -> host.directory(ctrl, cg)));
        assertEquals(new CgroupWrite(devices.resolve("devices.deny"), "c 10:229 rwm"), expected.get(8), "the config's last entry: fuse denied");
        // v2 has no device files (a BPF program does that) and nothing else is set
        assertEquals(List.of(), CgroupWriter.planV2(res, "linux.resources", Path.of("/sys/fs/cgroup", cg)));
    }

    @Test
    void podmanRun() throws IOException {
        Map<String, Object> c = config("podman-4.3.1-run.json");
        Map<String, Object> process = ConfigTree.object(c.get("process"), "process"), linux = ConfigTree.object(c.get("linux"), "linux");
        Capabilities.Masks caps = Capabilities.parse(ConfigTree.optObject(process, "capabilities", "process.capabilities"),
                "process.capabilities", 40, Capabilities.Unknown.REJECT);
        // CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP NET_BIND_SERVICE SYS_CHROOT SETFCAP
        assertEquals((1L << 0) | (1L << 1) | (1L << 3) | (1L << 4) | (1L << 5) | (1L << 6) | (1L << 7) | (1L << 8)
                | (1L << 10) | (1L << 18) | (1L << 31), caps.bounding());
        assertEquals(List.of(new Rlimits.Rlimit(7, 20000, 20000), new Rlimits.Rlimit(6, 8192, 8192)),
                Rlimits.parse(ConfigTree.optArray(process, "rlimits", "process.rlimits"), "process.rlimits"));
        // its network namespace is a path (not the host's here: a fake predicate stands for the stat)
        assertEquals(1, Sysctls.plan(ConfigTree.optObject(linux, "sysctl", "linux.sysctl"), "linux.sysctl", namespaces(linux), p -> false).size());
        SeccompProgram sp = SeccompCompiler.compile(ConfigTree.object(linux.get("seccomp"), "linux.seccomp"), "linux.seccomp", Arch.X86_64);
        assertTrue(sp.length() < 1024);
        CgroupLayout host = hybrid();
        String cg = host.cgroupPath((String) linux.get("cgroupsPath"), "7ca5574625c8", "pids", false, false);
        assertEquals("/libpod_parent/libpod-7ca5574625c84f3446dc546f3cef8d214106950da3301a625c619ba5941e01c2", cg);
        Map<String, Object> res = ConfigTree.object(linux.get("resources"), "linux.resources");
        String dir = "/libpod_parent/libpod-7ca5574625c84f3446dc546f3cef8d214106950da3301a625c619ba5941e01c2";
        Path devices = Path.of("/sys/fs/cgroup/devices" + dir);
        List<CgroupWrite> expected = new ArrayList<>(List.of(new CgroupWrite(Path.of("/sys/fs/cgroup/pids" + dir, "pids.max"), "2048"),
                new CgroupWrite(devices.resolve("devices.deny"), "a"), new CgroupWrite(devices.resolve("devices.deny"), "a *:* rwm")));
        assertEquals(deviceWrites(devices, res), expected.subList(2, 3), "podman's one device entry");
        expected.addAll(runcDefaults(devices));
        assertEquals(expected, CgroupWriter.planV1(res, "linux.resources", ctrl -> host.directory(ctrl, cg)));
        assertEquals(List.of(new CgroupWrite(Path.of("/sys/fs/cgroup" + dir, "pids.max"), "2048")),
                CgroupWriter.planV2(res, "linux.resources", Path.of("/sys/fs/cgroup" + dir)));
    }

    /** linux.resources.devices as v1 writes, read here from the config: "TYPE MAJOR:MINOR ACCESS", a missing number "*". */
    static List<CgroupWrite> deviceWrites(Path dir, Map<String, Object> resources) {
        List<CgroupWrite> w = new ArrayList<>();
        for (Object o : (List<?>) resources.get("devices")) {
            Map<?, ?> d = (Map<?, ?>) o;
            String type = d.get("type") == null ? "a" : d.get("type").toString();
            String major = d.get("major") == null ? "*" : d.get("major").toString(), minor = d.get("minor") == null ? "*" : d.get("minor").toString();
            w.add(new CgroupWrite(dir.resolve(Boolean.TRUE.equals(d.get("allow")) ? "devices.allow" : "devices.deny"),
                    type + " " + major + ":" + minor + " " + d.get("access")));
        }
        return w;
    }

    /** What runc allows every container after its config's list (libcontainer/specconv AllowedDevices), as runc 1.1 writes it. */
    static List<CgroupWrite> runcDefaults(Path dir) {
        return java.util.stream.Stream.of("c *:* m", "b *:* m", "c 1:3 rwm", "c 1:8 rwm", "c 1:7 rwm", "c 5:0 rwm", "c 1:5 rwm", "c 1:9 rwm",
                "c 136:* rwm", "c 5:2 rwm", "c 10:200 rwm").map(v -> new CgroupWrite(dir.resolve("devices.allow"), v)).toList();
    }

    static Map<String, String> namespaces(Map<String, Object> linux) {
        Map<String, String> ns = new LinkedHashMap<>();
        for (Object o : ConfigTree.array(linux.get("namespaces"), "linux.namespaces")) {
            Map<String, Object> n = ConfigTree.object(o, "linux.namespaces[]");
            ns.put((String) n.get("type"), n.get("path") == null ? "" : (String) n.get("path"));
        }
        return ns;
    }

    static CgroupLayout hybrid() {
        return CgroupLayout.parse(jrun.linux.cgroups.CgroupLayoutTest.HYBRID_MOUNTS, jrun.linux.cgroups.CgroupLayoutTest.HYBRID_SELF);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> config(String name) throws IOException {
        try (InputStream in = RealConfigsTest.class.getResourceAsStream("/jrun/linux/configs/" + name)) {
            return (Map<String, Object>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
