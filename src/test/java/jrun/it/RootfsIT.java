package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import jrun.linux.DeviceNumbers;
import jrun.spec.Json;
import jrun.testing.Sandbox;

/** The container's view, checked from inside it: identity, mounts and flags, /dev, symlink escapes. */
class RootfsIT extends WithSandbox {
    /** mount point -> its per-mount options, from the container's own /proc/self/mountinfo. */
    static Map<String, String> mounts(String mountinfo) {
        return mountinfo.lines().map(l -> l.split(" ")).collect(Collectors.toMap(f -> f[4], f -> f[5], (a, b) -> b));
    }

    @Test
    void processIdentityAndEnvironment() throws Exception {
        Path b = sb.bundle("b", c -> {
            c.put("hostname", "jrun-box");
            c.put("domainname", "example.test");
            Map<String, Object> p = Sandbox.process(c);
            p.put("user", Json.parse("{\"uid\":1000,\"gid\":1001,\"additionalGids\":[10,20],\"umask\":63}"));
            p.put("cwd", "/tmp");
            Sandbox.linux(c).put("sysctl", Json.parse("{\"net.ipv4.ip_forward\":\"1\",\"kernel.msgmax\":\"12345\"}"));
            p.put("env", Json.parse("[\"PATH=/bin\",\"FOO=bar baz\"]"));
            Sandbox.args(c, "sh", "-c", "hostname; cat /proc/sys/kernel/domainname; id; umask; pwd; echo \"$FOO\"; ulimit -n; cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/msgmax");
        });
        String out = sb.jrun("run", "--bundle", b.toString(), "id1").ok().out();
        assertEquals(List.of("jrun-box", "example.test", "uid=1000 gid=1001 groups=10,20", "0077", "/tmp", "bar baz", "1024", "1", "12345"),
                out.lines().toList());
    }

    @Test
    void mountsAndTheirFlagsAsMountinfoShowsThem() throws Exception {
        Path src = Files.createDirectories(sb.dir.resolve("src/inner"));
        Files.writeString(sb.dir.resolve("src/file.txt"), "hello from the host\n");
        assertEquals(0, Sandbox.exec(List.of("mount", "-t", "tmpfs", "inner", src.toString()), null).status());
        Path b = sb.bundle("b", c -> {
            List<Object> m = Sandbox.mounts(c);
            m.add(Json.parse("{\"destination\":\"/t1\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"nosuid\",\"nodev\",\"noexec\",\"size=1m\",\"mode=700\"]}"));
            m.add(Json.parse("{\"destination\":\"/ro\",\"type\":\"bind\",\"source\":\"" + sb.dir.resolve("src") + "\",\"options\":[\"bind\",\"ro\"]}"));
            m.add(Json.parse("{\"destination\":\"/rro\",\"type\":\"bind\",\"source\":\"" + sb.dir.resolve("src") + "\",\"options\":[\"rbind\",\"rro\",\"rprivate\"]}"));
            m.add(Json.parse("{\"destination\":\"/etc/f.txt\",\"type\":\"bind\",\"source\":\"" + sb.dir.resolve("src/file.txt") + "\",\"options\":[\"bind\",\"ro\"]}"));
            ((Map<String, Object>) c.get("root")).put("readonly", Boolean.TRUE);
            Sandbox.args(c, "sh", "-c", "cat /proc/self/mountinfo; echo ---; cat /etc/f.txt; touch /rro/inner/x 2>&1; touch /x 2>&1; true");
        });
        String out = sb.jrun("run", "--bundle", b.toString(), "m1").ok().out();
        String[] parts = out.split("---\n");
        Map<String, String> m = mounts(parts[0]);
        assertTrue(m.get("/").startsWith("ro"), "root.readonly: " + m.get("/"));
        assertEquals("rw,nosuid,nodev,noexec,relatime", m.get("/t1"));
        assertTrue(m.get("/ro").startsWith("ro,"), m.get("/ro"));
        assertFalse(m.containsKey("/ro/inner"), "bind without rbind takes no submounts");
        assertTrue(m.get("/rro").startsWith("ro,") && m.get("/rro/inner").startsWith("ro,"), "rro is recursive: " + m);
        assertTrue(m.get("/proc/sys").startsWith("ro,"), "readonlyPaths");
        assertTrue(m.containsKey("/proc/kcore") || !Files.exists(Path.of("/proc/kcore")), "maskedPaths");
        assertTrue(m.get("/sys").startsWith("ro,"));
        assertTrue(m.get("/dev/pts").contains("noexec"));
        assertTrue(parts[1].startsWith("hello from the host\n"), parts[1]);
        assertTrue(parts[1].contains("touch: /rro/inner/x: Read-only file system"), parts[1]);
        assertTrue(parts[1].contains("touch: /x: Read-only file system"), parts[1]);
        assertFalse(Files.exists(sb.dir.resolve("src/inner/x")));
    }

    @Test
    void aSymlinkInTheRootfsCannotSendAMountOutside() throws Exception {
        Path outside = Files.createDirectories(sb.dir.resolve("host-target"));
        Path b = sb.bundle("b", c -> {
            Sandbox.mounts(c).add(Json.parse("{\"destination\":\"/escape/sub\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}"));
            Sandbox.mounts(c).add(Json.parse("{\"destination\":\"/rel/sub\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}"));
            Sandbox.args(c, "sh", "-c", "cat /proc/self/mountinfo");
        });
        Path rootfs = b.resolve("rootfs");
        Files.createSymbolicLink(rootfs.resolve("escape"), outside); // absolute: the host's dir
        Files.createSymbolicLink(rootfs.resolve("rel"), Path.of("../../../../../..").resolve(outside.toString().substring(1)));
        String out = sb.jrun("run", "--bundle", b.toString(), "s1").ok().out();
        try (var l = Files.list(outside)) {
            assertEquals(List.of(), l.toList(), "nothing was created or mounted in the host's directory");
        }
        Map<String, String> m = mounts(out);
        assertTrue(m.containsKey(outside + "/sub"), "the mount stayed inside the rootfs, where the link points there: " + m.keySet());
        assertTrue(Files.isDirectory(rootfs.resolve(outside.toString().substring(1)).resolve("sub")));
    }

    @Test
    void defaultAndConfiguredDevicesWithDynamicMinor() throws Exception {
        long tun = (Long) Files.getAttribute(Path.of("/dev/net/tun"), "unix:rdev");
        Path b = sb.bundle("b", c -> {
            Sandbox.linux(c).put("devices", Json.parse("""
                    [{"path":"/dev/net/tun","type":"c","major":10,"minor":0,"dynamicMinor":true,"fileMode":384,"uid":5,"gid":6},
                     {"path":"/dev/mynull","type":"c","major":1,"minor":3,"fileMode":416}]"""));
            Sandbox.args(c, "sh", "-c", "stat -c '%n %t %T %a %u %g' /dev/net/tun /dev/mynull /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty;"
                    + " for l in /dev/fd /dev/stdin /dev/stdout /dev/stderr /dev/ptmx; do readlink $l; done");
        });
        String out = sb.jrun("run", "--bundle", b.toString(), "d1").ok().out();
        List<String> lines = out.lines().toList();
        assertEquals("/dev/net/tun a " + Long.toHexString(DeviceNumbers.minor(tun)) + " 600 5 6", lines.get(0));
        assertEquals("/dev/mynull 1 3 640 0 0", lines.get(1));
        assertEquals("/dev/null 1 3 666 0 0", lines.get(2));
        assertEquals("/dev/tty 5 0 666 0 0", lines.get(7));
        assertEquals(List.of("/proc/self/fd", "/proc/self/fd/0", "/proc/self/fd/1", "/proc/self/fd/2", "pts/ptmx"), lines.subList(8, 13));
    }

    @Test
    void aMissingHostNodeForDynamicMinorIsAClearError() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.linux(c).put("devices",
                Json.parse("[{\"path\":\"/dev/jrun-no-such-device\",\"type\":\"c\",\"major\":10,\"dynamicMinor\":true}]")));
        Sandbox.Result r = sb.jrun("create", "--bundle", b.toString(), "d2");
        assertEquals(1, r.status());
        assertEquals("jrun: linux.devices[0].dynamicMinor: host device /dev/jrun-no-such-device does not exist, so its number cannot be copied\n", r.err());
        assertFalse(Files.exists(sb.jrunRoot.resolve("d2")));
    }

    @Test
    void aFailingStepNamesItsConfigFieldAndLeavesNothing() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.mounts(c).add(Json.parse("{\"destination\":\"/x\",\"type\":\"nosuchfs\",\"source\":\"none\"}")));
        Path log = sb.dir.resolve("log.json");
        Sandbox.Result r = Sandbox.exec(List.of(Sandbox.JRUN.toString(), "--root", sb.jrunRoot.toString(), "--log", log.toString(),
                "--log-format", "json", "create", "--bundle", b.toString(), "bad"), null);
        assertEquals(1, r.status());
        assertEquals("jrun: mounts[7]: mount none on /x (type nosuchfs): No such device\n", r.err());
        assertTrue(Files.readString(log).contains("\"msg\":\"mounts[7]: mount none on /x (type nosuchfs): No such device\""));
        assertFalse(Files.exists(sb.jrunRoot.resolve("bad")));
        for (String dir : sb.cgroupDirs("bad")) assertFalse(Files.exists(Path.of(dir)), dir);
    }

    /**
     * --no-pivot moves the rootfs onto / and chroots: the old root stays in the container's mount
     * namespace, under the rootfs. pivot_root detaches it: the rootfs sits on the namespace's base.
     * mountinfo shows neither (the mounts under the root are unreachable, so unlisted); the probe
     * walks the mount tree itself (statmount), and the root's line in mountinfo names that parent.
     */
    @Test
    void noPivotChroots() throws Exception {
        Path probe = jrun.testing.CProbe.build(sb.dir, "mount-chain");
        List<String> host = magics(chain(probe, "self"));
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sh", "-c", "ls /bin/busybox && cat /proc/self/mountinfo | head -1"));
        String out = sb.jrun("run", "--no-pivot", "--bundle", b.toString(), "np").ok().out();
        assertTrue(out.startsWith("/bin/busybox\n"), out);
        Path lb = sb.bundle("long", c -> Sandbox.args(c, "sleep", "1000"));
        for (boolean noPivot : new boolean[] {false, true}) {
            String id = noPivot ? "np-long" : "pivot-long";
            if (noPivot) sb.jrun("run", "--detach", "--no-pivot", "--bundle", lb.toString(), id).ok();
            else sb.jrun("run", "--detach", "--bundle", lb.toString(), id).ok();
            long pid = Long.parseLong(((Map<?, ?>) Json.parse(sb.jrun("state", id).ok().out())).get("pid").toString());
            List<String> chain = chain(probe, Long.toString(pid));
            String[] rootLine = Files.readString(Path.of("/proc/" + pid + "/mountinfo")).lines().map(l -> l.split(" "))
                    .filter(f -> f[4].equals("/")).findFirst().orElseThrow();
            assertEquals(chain.get(0).split(" ")[0], rootLine[0], id + ": the probe starts at the root mountinfo lists");
            assertEquals(chain.get(1).split(" ")[0], rootLine[1], id + ": the root's parent per mountinfo is the probe's second mount");
            List<String> below = magics(chain).subList(1, chain.size());
            if (noPivot) assertEquals(host, below, "--no-pivot: under the rootfs, a copy of the host's / and what it sits on: " + chain);
            else assertEquals(host.subList(host.size() - 1, host.size()), below, "pivot_root: the old root is gone, the rootfs sits on the base: " + chain);
            sb.jrun("delete", "--force", id).ok();
        }
    }

    static List<String> magics(List<String> chain) {
        return chain.stream().map(l -> l.split(" ")[1]).toList();
    }

    /** The mounts from pid's root down to its namespace's base: "ID MAGIC" each (see mount-chain.c). */
    static List<String> chain(Path probe, String pid) {
        Sandbox.Result r = Sandbox.exec(List.of(probe.toString(), "/proc/" + pid + "/ns/mnt"), null).ok();
        return r.out().lines().toList();
    }
}
