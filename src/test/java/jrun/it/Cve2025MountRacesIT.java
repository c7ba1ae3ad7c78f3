package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import jrun.spec.Json;
import jrun.testing.Sandbox;

/**
 * runc's advisories of November 2025, each variant tried on jrun:
 * <ul>
 * <li>CVE-2025-31133: a masked path bound to whatever the rootfs's /dev/null resolves to (a symlink
 * in the image, or one swapped in by a race), or left unmasked when /dev/null is gone;
 * <li>CVE-2025-52565: /dev/console bound to what /dev/pts/N resolves to after a race, and a
 * symlinked /dev/console;
 * <li>CVE-2025-52881: procfs writes (sysctls; jrun writes no LSM attributes: it refuses
 * apparmorProfile and selinuxLabel) redirected by a mount or a tmpfs of symlinks raced onto
 * /proc, or by a fake /proc.
 * </ul>
 * The advisories race a second container sharing mounts with the new one. Here a createContainer
 * hook (it runs in the container's mount namespace after jrun's mounts, before the pivot, and
 * before the masks, sysctls and console) makes the same change deterministically. Every leak is
 * made visible and harmless: a domainname (per UTS namespace) stands for the sysctl an attacker
 * wants, a file of the rootfs for the host file.
 */
class Cve2025MountRacesIT extends WithSandbox {
    static final String LEAK = "maskleak";

    @SuppressWarnings("unchecked")
    static void createContainerHook(Map<String, Object> c, String script) {
        Map<String, Object> hooks = (Map<String, Object>) c.computeIfAbsent("hooks", k -> new java.util.LinkedHashMap<>());
        hooks.put("createContainer", Json.parse("[{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-e\", \"-c\", " + Json.write(script, Json.Style.COMPACT) + "]}]"));
    }

    /** The config's mounts without any at or under /dev: the rootfs's own /dev is used as it is. */
    static void noDevMounts(Map<String, Object> c) {
        Sandbox.mounts(c).removeIf(m -> ((Map<?, ?>) m).get("destination").toString().startsWith("/dev"));
    }

    Path bundle(String name, Consumer<Map<String, Object>> edit) throws Exception {
        return sb.bundle(name, c -> {
            c.put("domainname", LEAK);
            edit.accept(c);
        });
    }

    static void assertRefused(Sandbox.Result r, String field, String why) {
        assertNotEquals(0, r.status(), "jrun went on; stdout: " + r.out());
        assertFalse(r.out().contains(LEAK), r.out());
        assertTrue(r.err().contains(field) && r.err().contains(why), "one error naming " + field + " (" + why + "): " + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    // --- CVE-2025-31133: masked paths

    @Test
    void aMaskIsNeverABindOfWhatASymlinkedDevNullNames() throws Exception {
        Path b = bundle("b", c -> {
            noDevMounts(c);
            Sandbox.args(c, "cat", "/proc/timer_list");
        });
        Files.createDirectories(b.resolve("rootfs/dev"));
        Files.createSymbolicLink(b.resolve("rootfs/dev/null"), Path.of("/proc/sys/kernel/domainname"));
        assertRefused(sb.jrun("run", "--bundle", b.toString(), "m1"), "linux.maskedPaths[", "not the null device");
    }

    @Test
    void aMaskIsNeverABindOfADevNullSwappedByARace() throws Exception {
        Path b = bundle("b", c -> {
            Sandbox.args(c, "cat", "/proc/timer_list");
            createContainerHook(c, "rm " + sb.dir.resolve("b/rootfs/dev/null") + "; ln -s /proc/sys/kernel/domainname " + sb.dir.resolve("b/rootfs/dev/null"));
        });
        assertRefused(sb.jrun("run", "--bundle", b.toString(), "m2"), "linux.maskedPaths[", "not the null device");
    }

    @Test
    void aDevNullRemovedByARaceFailsTheCreateRatherThanLeaveAPathUnmasked() throws Exception {
        Path b = bundle("b", c -> {
            Sandbox.args(c, "cat", "/proc/timer_list");
            createContainerHook(c, "rm " + sb.dir.resolve("b/rootfs/dev/null"));
        });
        assertRefused(sb.jrun("run", "--bundle", b.toString(), "m3"), "linux.maskedPaths[", "/dev/null");
    }

    // --- CVE-2025-52565: /dev/console

    /** Creates a container with a terminal through a console socket; returns jrun's result. */
    Sandbox.Result createWithConsole(Path b, String id) throws Exception {
        Path sock = sb.dir.resolve(id + ".sock");
        Process recv = new ProcessBuilder(Sandbox.HOME.resolve("bin/jrun-recvtty").toString(), sock.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        recvs.add(recv);
        for (int i = 0; i < 200 && !Files.exists(sock); i++) Thread.sleep(20);
        return sb.jrun("create", "--bundle", b.toString(), "--console-socket", sock.toString(), id);
    }

    final List<Process> recvs = new ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void stopReceivers() {
        recvs.forEach(Process::destroyForcibly);
    }

    @Test
    void theConsoleIsThePtyEvenWhenDevPtsIsSwappedByARace() throws Exception {
        Path root = sb.dir.resolve("b/rootfs");
        Path b = bundle("b", c -> {
            Sandbox.process(c).put("terminal", Boolean.TRUE);
            Sandbox.args(c, "sleep", "1000");
            // the real devpts moves aside; /dev/pts becomes a tmpfs whose ptmx still works, and whose N names a file of the rootfs
            createContainerHook(c, "mkdir " + root + "/dev/realpts; mount --bind " + root + "/dev/pts " + root + "/dev/realpts; mount -t tmpfs tmpfs "
                    + root + "/dev/pts; ln -s /dev/realpts/ptmx " + root + "/dev/pts/ptmx; i=0; while [ $i -lt 64 ]; do ln -s /evidence " + root
                    + "/dev/pts/$i; i=$((i+1)); done");
        });
        Files.writeString(b.resolve("rootfs/evidence"), "a file of the rootfs\n");
        createWithConsole(b, "c1").ok();
        sb.jrun("start", "c1").ok();
        assertEquals("character special file\n", sb.jrun("exec", "c1", "stat", "-c", "%F", "/dev/console").ok().out(),
                "/dev/console is the pty, not what /dev/pts/N names");
        assertEquals("a file of the rootfs\n", Files.readString(b.resolve("rootfs/evidence")));
    }

    @Test
    void aSymlinkedDevConsoleIsRefusedAndItsTargetUntouched() throws Exception {
        Path b = bundle("b", c -> {
            noDevMounts(c);
            Sandbox.process(c).put("terminal", Boolean.TRUE);
            Sandbox.args(c, "sleep", "1000");
            // a devpts for the pty, at /dev/pts in the rootfs's own /dev
            Sandbox.mounts(c).add(Json.parse("{\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\", "
                    + "\"options\": [\"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", \"mode=0620\"]}"));
        });
        Files.createDirectories(b.resolve("rootfs/dev/pts"));
        Files.writeString(b.resolve("rootfs/important"), "keep me\n");
        Files.createSymbolicLink(b.resolve("rootfs/dev/console"), Path.of("/important"));
        assertRefused(createWithConsole(b, "c2"), "process.terminal", "symlink");
        assertEquals("keep me\n", Files.readString(b.resolve("rootfs/important")));
    }

    // --- CVE-2025-52881: procfs writes

    Path sysctlBundle(String hook) throws Exception {
        return bundle("b", c -> {
            c.remove("domainname"); // the redirected write is what sets it
            Sandbox.linux(c).put("sysctl", Json.parse("{\"net.ipv4.ip_forward\": \"1\"}"));
            Sandbox.args(c, "cat", "/proc/sys/kernel/domainname");
            createContainerHook(c, hook);
        });
    }

    Path root() {
        return sb.dir.resolve("b/rootfs");
    }

    @Test
    void aSysctlWriteNeverCrossesAMountRacedOntoProc() throws Exception {
        Path b = sysctlBundle("mount --bind " + root() + "/proc/sys/kernel/domainname " + root() + "/proc/sys/net/ipv4/ip_forward");
        Sandbox.Result r = sb.jrun("run", "--bundle", b.toString(), "s1");
        assertNotEquals("1\n", r.out(), "the sysctl was written to another procfs file");
        assertRefused(r, "linux.sysctl.net.ipv4.ip_forward", "/proc/sys/net/ipv4/ip_forward");
    }

    @Test
    void aSysctlWriteNeverFollowsASymlinkRacedOntoProc() throws Exception {
        Path b = sysctlBundle("mount -t tmpfs tmpfs " + root() + "/proc/sys/net/ipv4; ln -s /proc/sys/kernel/domainname " + root() + "/proc/sys/net/ipv4/ip_forward");
        Sandbox.Result r = sb.jrun("run", "--bundle", b.toString(), "s2");
        assertNotEquals("1\n", r.out(), "the sysctl was written to another procfs file");
        assertRefused(r, "linux.sysctl.net.ipv4.ip_forward", "/proc/sys/net/ipv4/ip_forward");
    }

    @Test
    void aSysctlIsNeverWrittenToAFakeProc() throws Exception {
        Path b = sysctlBundle("mount -t tmpfs tmpfs " + root() + "/proc; mkdir -p " + root() + "/proc/sys/net/ipv4 " + root() + "/proc/sys/kernel; echo 0 > "
                + root() + "/proc/sys/net/ipv4/ip_forward; echo fake > " + root() + "/proc/sys/kernel/domainname");
        Sandbox.Result r = sb.jrun("run", "--bundle", b.toString(), "s3");
        assertRefused(r, "linux.sysctl.net.ipv4.ip_forward", "not a procfs");
    }
}
