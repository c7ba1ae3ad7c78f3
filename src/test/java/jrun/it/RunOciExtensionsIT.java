package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import jrun.runtime.ProcStat;
import jrun.spec.Json;
import jrun.spec.JsonNumber;
import jrun.testing.CProbe;
import jrun.testing.KernelConfig;
import jrun.testing.Require;
import jrun.testing.Sandbox;

/** The Chrome OS config extensions and the four fixes, checked from inside the container or on the host. */
class RunOciExtensionsIT {
    RunOciIT t = new RunOciIT();

    @BeforeEach
    void setUp() throws Exception {
        t.setUp();
    }

    @AfterEach
    void tearDown() throws Exception {
        t.tearDown();
    }

    Sandbox.Result run(Path b, String id) throws Exception {
        return t.runOci("-c", b.toString(), "run", id);
    }

    void refused(Sandbox.Result r, String id, String message) {
        assertEquals(1, r.status(), r.out());
        assertTrue(r.err().contains(message), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(Files.exists(t.state.resolve(id)), "nothing left behind");
    }

    @Test
    void umaskFromProcessUmask() throws Exception {
        Path b = t.bundle("b", c -> Sandbox.process(c).put("umask", JsonNumber.of(027)), "sh", "-c", "umask; touch /tmp/f; stat -c %a /tmp/f");
        assertEquals("0027\n640\n", run(b, "um").ok().out());
        Path b2 = t.bundle("b2", c -> {
            Sandbox.process(c).put("umask", JsonNumber.of(027));
            ((Map<String, Object>) Sandbox.process(c).get("user")).put("umask", JsonNumber.of(077));
        }, "true");
        refused(run(b2, "um2"), "um2", "process.umask (27) and process.user.umask disagree");
    }

    /**
     * Whether the kernel has core scheduling is asked by the test itself (its own raw prctl, and the
     * kernel's config where it is readable), not by bin/run_oci-prctl, the tool under test.
     */
    @Test
    void coreSchedAppliedOrRefusedClearly() throws Exception {
        Path probe = CProbe.build(t.sb.dir, "prctl-probe");
        String kernel = Sandbox.exec(List.of(probe.toString(), "core-create"), null).ok().out().strip();
        KernelConfig.read().ifPresent(k -> {
            if (!k.enabled("CONFIG_SCHED_CORE")) assertEquals("EINVAL", kernel, "a kernel built without CONFIG_SCHED_CORE knows no PR_SCHED_CORE");
        });
        Path b = t.bundle("b", c -> Sandbox.linux(c).put("coreSched", true), "sleep", "1000");
        Sandbox.Result r = t.runOci("-c", b.toString(), "start", "cs");
        if (!kernel.equals("ok")) { // here: EINVAL, no CONFIG_SCHED_CORE (ENODEV where it is built but the CPUs have no SMT)
            refused(r, "cs", "linux.coreSched: core scheduling is unavailable here (prctl PR_SCHED_CORE: " + kernel);
            return;
        }
        r.ok();
        String cookie = Sandbox.exec(List.of(probe.toString(), "core-get", Long.toString(t.pid("cs"))), null).ok().out().strip();
        assertTrue(cookie.matches("[1-9][0-9]*"), "the container has its own core-scheduling cookie: " + cookie);
        assertEquals("0", Sandbox.exec(List.of(probe.toString(), "core-get", Long.toString(ProcessHandle.current().pid())), null).ok().out().strip(),
                "this JVM has none");
    }

    @Test
    void skipSecurebitsValidated() throws Exception {
        Path b = t.bundle("b", c -> Sandbox.linux(c).put("skipSecurebits", new ArrayList<Object>(List.of("NO_SETUID_FIXUP", "SECBIT_KEEP_CAPS_LOCKED"))),
                "sh", "-c", "grep -c . /proc/self/status > /dev/null && echo ran");
        assertEquals("ran\n", run(b, "sk").ok().out());
        Path b2 = t.bundle("b2", c -> Sandbox.linux(c).put("skipSecurebits", new ArrayList<Object>(List.of("NOPE"))), "true");
        refused(run(b2, "sk2"), "sk2", "linux.skipSecurebits: unknown securebit NOPE");
    }

    /** Whether the kernel has alt-syscall tables: its config (CONFIG_ALT_SYSCALL), else the test's own raw prctl. */
    @Test
    void altSyscallRefusedWhereTheKernelHasNone() throws Exception {
        Path probe = CProbe.build(t.sb.dir, "prctl-probe");
        // a kernel without the Chrome OS prctl answers EINVAL (unknown option); one with it, ENOENT for a table that cannot exist
        String raw = Sandbox.exec(List.of(probe.toString(), "alt-syscall"), null).ok().out().strip();
        boolean present = KernelConfig.read().map(k -> k.enabled("CONFIG_ALT_SYSCALL")).orElse(!raw.equals("EINVAL"));
        assertEquals(present, !raw.equals("EINVAL"), "the kernel's config and its prctl agree: " + raw);
        Path b = t.bundle("b", c -> Sandbox.linux(c).put("altSyscall", "android"), "true");
        Sandbox.Result r = run(b, "as");
        if (!present) refused(r, "as", "linux.altSyscall: \"android\" needs a Chrome OS kernel with alt-syscall tables; this kernel has none");
        else refused(r, "as", "linux.altSyscall: this kernel has alt-syscall tables, but jrun cannot apply one yet");
    }

    @Test
    void performInIntermediateNamespace() throws Exception {
        Path src = Files.createDirectories(t.sb.dir.resolve("ro-src"));
        Files.writeString(src.resolve("f"), "host-file");
        Path b = t.bundle("b", c -> {
            Map<String, Object> tmp = new LinkedHashMap<>();
            tmp.put("destination", "/mnt");
            tmp.put("type", "tmpfs");
            tmp.put("source", "jrun-intermediate");
            tmp.put("options", new ArrayList<Object>(List.of("size=1m", "nosuid")));
            tmp.put("performInIntermediateNamespace", true);
            Sandbox.mounts(c).add(tmp);
            Map<String, Object> bind = new LinkedHashMap<>();
            bind.put("destination", "/etc");
            bind.put("type", "bind");
            bind.put("source", src.toString());
            bind.put("options", new ArrayList<Object>(List.of("bind", "ro")));
            bind.put("performInIntermediateNamespace", true);
            Sandbox.mounts(c).add(bind);
        }, "sh", "-c", "grep ' /mnt ' /proc/self/mountinfo | grep -c jrun-intermediate; cat /etc/f; echo; "
                + "touch /etc/x 2>/dev/null && echo writable || echo read-only; echo ok > /mnt/y && cat /mnt/y; sleep 1000");
        Files.createDirectories(b.resolve("rootfs/mnt"));
        t.runOci("-c", b.toString(), "start", "in").ok();
        long pid = t.pid("in");
        Path out = Files.createTempFile(t.sb.dir, "o", "");
        for (int i = 0; i < 200 && !ProcStat.read("/proc/" + pid + "/cmdline").startsWith("sleep"); i++) Thread.sleep(10);
        String host = Files.readString(Path.of("/proc/self/mountinfo"));
        assertFalse(host.contains(b.resolve("rootfs/mnt").toString()), "the host never sees the intermediate mount");
        assertFalse(host.contains(b.resolve("rootfs/etc").toString()));
        String inside = ProcStat.read("/proc/" + pid + "/mountinfo");
        assertTrue(inside.contains(" /mnt ") && inside.contains("jrun-intermediate"), inside);
        t.runOci("-S", "KILL", "kill", "in").ok();
        RunOciIT.waitDead(pid);
        t.runOci("destroy", "in").ok();
        Files.deleteIfExists(out);
        // the same script in the foreground, for its output
        Path b2 = t.bundle("b2", c -> {
            Map<String, Object> tmp = new LinkedHashMap<>();
            tmp.put("destination", "/mnt");
            tmp.put("type", "tmpfs");
            tmp.put("source", "jrun-intermediate");
            tmp.put("performInIntermediateNamespace", true);
            Sandbox.mounts(c).add(tmp);
            Map<String, Object> bind = new LinkedHashMap<>(tmp);
            bind.put("destination", "/etc");
            bind.put("type", "bind");
            bind.put("source", src.toString());
            bind.put("options", new ArrayList<Object>(List.of("bind", "ro")));
            Sandbox.mounts(c).add(bind);
        }, "sh", "-c", "grep ' /mnt ' /proc/self/mountinfo | grep -c jrun-intermediate; cat /etc/f; echo; "
                + "touch /etc/x 2>/dev/null && echo writable || echo read-only; echo ok > /mnt/y && cat /mnt/y");
        Files.createDirectories(b2.resolve("rootfs/mnt"));
        assertEquals("1\nhost-file\nread-only\nok\n", run(b2, "in2").ok().out());
        // a destination missing from the rootfs is an error naming the mount
        Path b3 = t.bundle("b3", c -> {
            Map<String, Object> tmp = new LinkedHashMap<>();
            tmp.put("destination", "/no/such");
            tmp.put("type", "tmpfs");
            tmp.put("source", "x");
            tmp.put("performInIntermediateNamespace", true);
            Sandbox.mounts(c).add(tmp);
        }, "true");
        refused(run(b3, "in3"), "in3", "mounts[/no/such].performInIntermediateNamespace: ");
    }

    /** dynamicMinor / dynamicMajor (the engine's): the number comes from the host's node at the same path. */
    @Test
    void dynamicDeviceNumbers() throws Exception {
        Require.host(Files.exists(Path.of("/dev/fuse")), "/dev/fuse (10, 229)");
        Path b = t.bundle("b", c -> Sandbox.linux(c).put("devices", Json.parse("""
                [{"path":"/dev/fuse","type":"c","major":10,"minor":1,"dynamicMinor":true,"fileMode":438},
                 {"path":"/dev/loop-control","type":"c","major":1,"minor":237,"dynamicMajor":true,"fileMode":384}]""")),
                "sh", "-c", "stat -c '%t %T' /dev/fuse /dev/loop-control");
        String host = Sandbox.exec(List.of("stat", "-c", "%t %T", "/dev/fuse", "/dev/loop-control"), null).ok().out();
        assertEquals(host, run(b, "dev").ok().out());
        assertEquals("a e5\na ed\n", host); // 10,229 and 10,237 in hex, as stat prints them
    }

    /** run_oci split env on every '=' and refused "A=b=c". */
    @Test
    void envValuesMayContainEquals() throws Exception {
        Path b = t.bundle("b", c -> ((List<Object>) Sandbox.process(c).get("env")).add("OPTS=a=b,c=d"), "sh", "-c", "echo \"$OPTS\"");
        assertEquals("a=b,c=d\n", run(b, "env").ok().out());
    }

    /** run_oci applied hostname without the uts namespace check; jrun sets it in the container's own. */
    @Test
    void utsNamespaceAndHostname() throws Exception {
        String hostHostname = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        Path b = t.bundle("b", c -> c.put("hostname", "chromeos-box"), "sh", "-c", "hostname; readlink /proc/self/ns/uts");
        String[] o = run(b, "uts").ok().out().split("\n");
        assertEquals("chromeos-box", o[0]);
        assertFalse(o[1].equals(Files.readSymbolicLink(Path.of("/proc/self/ns/uts")).toString()));
        assertEquals(hostHostname, Files.readString(Path.of("/proc/sys/kernel/hostname")).strip());
    }

    @Test
    void cpuResourcesHonoured() throws Exception {
        Require.hostShape(jrun.linux.cgroups.CgroupLayout.detect().usesV1(), "checks the v1 cpu controller: this host is cgroup v2 only");
        for (String where : List.of("resources", "legacy")) {
            Map<String, Object> cpu = new LinkedHashMap<>();
            cpu.put("shares", JsonNumber.of(512));
            cpu.put("quota", JsonNumber.of(25000));
            cpu.put("period", JsonNumber.of(100000));
            Path b = t.bundle("b-" + where, c -> {
                if (where.equals("resources")) Sandbox.linux(c).put("resources", new LinkedHashMap<String, Object>(Map.of("cpu", cpu)));
                else Sandbox.linux(c).put("cpu", cpu); // run_oci read linux.cpu
            }, "sleep", "1000");
            String id = "cpu-" + where;
            t.runOci("-c", b.toString(), "start", id).ok();
            long pid = t.pid(id);
            Path dir = cpuCgroup(pid);
            assertEquals("512", Files.readString(dir.resolve("cpu.shares")).strip(), where);
            assertEquals("25000", Files.readString(dir.resolve("cpu.cfs_quota_us")).strip(), where);
            assertEquals("100000", Files.readString(dir.resolve("cpu.cfs_period_us")).strip(), where);
            t.runOci("-S", "KILL", "kill", id).ok();
            RunOciIT.waitDead(pid);
            t.runOci("destroy", id).ok();
            assertFalse(Files.exists(dir));
        }
    }

    /** The v1 cpu directory of pid (v2 hosts: cpu.weight, not checked here). */
    static Path cpuCgroup(long pid) {
        for (String line : ProcStat.read("/proc/" + pid + "/cgroup").split("\n")) {
            String[] f = line.split(":", 3);
            if (f.length == 3 && List.of(f[1].split(",")).contains("cpu")) return Path.of("/sys/fs/cgroup/" + f[1] + f[2]);
        }
        throw new AssertionError("pid " + pid + " is in no v1 cpu cgroup");
    }

    /**
     * run_oci parsed seccomp and never loaded it; jrun loads it. The profile gives mkdir an errno no
     * real failure here would give (ENOTBLK, "Block device required"), so the denial is the filter's.
     */
    @Test
    void seccompIsEnforced() throws Exception {
        Object profile = Json.parse("""
                {"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],
                 "syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":15}]}""");
        Path b = t.bundle("b", c -> Sandbox.linux(c).put("seccomp", profile), "sh", "-c",
                "grep '^Seccomp:' /proc/self/status; mkdir /tmp/d 2>&1; echo mkdir=$?; touch /tmp/f && echo touched");
        String out = run(b, "sc").ok().out();
        assertEquals("Seccomp:\t2\nmkdir: can't create directory '/tmp/d': Block device required\nmkdir=1\ntouched\n", out);
        assertFalse(Files.exists(b.resolve("rootfs/tmp/d")));
        assertTrue(Files.exists(b.resolve("rootfs/tmp/f")), "what the profile allows still works");
    }
}
