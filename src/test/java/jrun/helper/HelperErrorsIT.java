package jrun.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import jrun.testing.Sandbox;

/**
 * The helper's failures that need root, fed to the real bin/jrun-helper as plans through
 * HelperProcess (Java's own end): a bad namespace path, console socket and seccomp listener
 * connect failures, a hook killed by a signal, capset, pivot_root and mount_setattr refusing.
 * Each is an 'E' report for the failing step, with its errno, which HelperProcess turns into one
 * line naming the step's origin; the helper exits 1 with nothing left (the mount steps run in a
 * mount namespace of the helper's own, unshared first).
 */
@Timeout(60)
class HelperErrorsIT {
    static final long CLONE_NEWNS = 0x00020000L, CLONE_NEWNET = 0x40000000L, CLONE_NEWUTS = 0x04000000L;
    static final long MS_REC = 0x4000L, MS_PRIVATE = 1L << 18;
    static final int EPERM = 1, ENOENT = 2, EBUSY = 16, EINVAL = 22, ENAMETOOLONG = 36, ELOOP = 40, ECONNREFUSED = 111;

    Sandbox sb;

    @BeforeEach
    void sandbox() throws Exception {
        assertEquals("0", new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).strip(), "runs as root");
        sb = new Sandbox("jrun-helper-errors-");
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (sb != null) sb.close();
    }

    record Outcome(Report report, String error, int status, List<Long> children) {}

    /** Runs steps in a helper and collects its report, the error Java makes of it, its status, and its children at the end. */
    static Outcome run(List<Step> steps) {
        try (HelperProcess h = HelperProcess.start(steps)) {
            Report r = h.next();
            List<Long> children = ProcessHandle.of(h.pid()).map(p -> p.children().map(ProcessHandle::pid).toList()).orElse(List.of());
            String error = r != null && r.kind() == 'E' ? h.failure(r).getMessage() : null;
            return new Outcome(r, error, h.waitFor(), children);
        }
    }

    /** Asserts the plan failed at step index with errno and the error line "origin: message". */
    static Outcome fails(List<Step> steps, int index, int errno, String line) {
        Outcome o = run(steps);
        assertNotNull(o.report(), "a report, not EOF");
        assertEquals('E', o.report().kind(), o.toString());
        assertEquals(index, o.report().step(), o.toString());
        assertEquals(errno, o.report().errno(), o.toString());
        assertEquals(line, o.error());
        assertFalse(o.error().contains("\n"));
        assertEquals(1, o.status(), "exit status");
        assertEquals(List.of(), o.children(), "no child left");
        return o;
    }

    /** A mount namespace of the helper's own, where nothing it mounts reaches the host. */
    static List<Step> privateMounts(Step... then) {
        List<Step> s = new ArrayList<>(List.of(Step.of(Op.UNSHARE, "ns", CLONE_NEWNS), Step.of(Op.MOUNT_HOST, "prop", "", "/", "", MS_REC | MS_PRIVATE, "")));
        s.addAll(List.of(then));
        return s;
    }

    @Test
    void aBadNamespacePath() throws Exception {
        Path none = sb.dir.resolve("none"), file = Files.writeString(sb.dir.resolve("file"), "x");
        fails(List.of(Step.of(Op.SETNS, "linux.namespaces[1].path", none.toString(), CLONE_NEWNET)), 0, ENOENT,
                "linux.namespaces[1].path: join namespace " + none + ": No such file or directory");
        fails(List.of(Step.of(Op.SETNS, "linux.namespaces[1].path", file.toString(), CLONE_NEWNET)), 0, EINVAL,
                "linux.namespaces[1].path: join namespace " + file + ": Invalid argument");
        // a namespace of another type than the step says
        fails(List.of(Step.of(Op.UMASK, "u", 022L), Step.of(Op.SETNS, "linux.namespaces[2].path", "/proc/self/ns/uts", CLONE_NEWNET)), 1, EINVAL,
                "linux.namespaces[2].path: join namespace /proc/self/ns/uts: Invalid argument");
    }

    @Test
    void consoleSocketConnectFailures() throws Exception {
        Path none = sb.dir.resolve("none.sock"), file = Files.writeString(sb.dir.resolve("file"), "x");
        fails(List.of(Step.of(Op.CONSOLE_SOCKET, "--console-socket", none.toString())), 0, ENOENT,
                "--console-socket: connect to console socket " + none + ": No such file or directory");
        fails(List.of(Step.of(Op.CONSOLE_SOCKET, "--console-socket", file.toString())), 0, ECONNREFUSED,
                "--console-socket: connect to console socket " + file + ": Connection refused");
        Path closed = closedSocket(sb.dir.resolve("closed.sock"));
        fails(List.of(Step.of(Op.CONSOLE_SOCKET, "--console-socket", closed.toString())), 0, ECONNREFUSED,
                "--console-socket: connect to console socket " + closed + ": Connection refused");
        String tooLong = sb.dir + "/" + "s".repeat(120);
        fails(List.of(Step.of(Op.CONSOLE_SOCKET, "--console-socket", tooLong)), 0, ENAMETOOLONG,
                "--console-socket: console socket " + tooLong + ": File name too long");
    }

    /** A unix socket file whose listener has gone (nobody accepts there). */
    static Path closedSocket(Path p) throws Exception {
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(p));
        }
        assertTrue(Files.exists(p));
        return p;
    }

    @Test
    void seccompListenerConnectFailures() throws Exception {
        Path none = sb.dir.resolve("none.sock");
        String head = "{\"ociVersion\":\"1.2.1\",\"fds\":[\"seccompFd\"],\"metadata\":\"\"";
        fails(List.of(Step.of(Op.SECCOMP_LISTENER, "linux.seccomp.listenerPath", none.toString(), head)), 0, ENOENT,
                "linux.seccomp.listenerPath: connect to the seccomp listener " + none + ": No such file or directory");
        Path closed = closedSocket(sb.dir.resolve("closed.sock"));
        fails(List.of(Step.of(Op.SECCOMP_LISTENER, "linux.seccomp.listenerPath", closed.toString(), head)), 0, ECONNREFUSED,
                "linux.seccomp.listenerPath: connect to the seccomp listener " + closed + ": Connection refused");
    }

    @Test
    void aHookKilledByASignal() throws Exception {
        Path pid = sb.dir.resolve("hook.pid");
        fails(List.of(Step.of(Op.HOOK, "hooks.createContainer[0]", "/bin/sh", List.of("sh", "-c", "echo $$ > " + pid + "; kill -9 $$"),
                List.of(), 0L, 0L)), 0, 0, "hooks.createContainer[0]: hook /bin/sh killed by signal 9");
        long hook = Long.parseLong(Files.readString(pid).strip());
        assertTrue(ProcessHandle.of(hook).isEmpty(), "the hook was reaped");
        // and one that is killed for its timeout
        fails(List.of(Step.of(Op.HOOK, "hooks.startContainer[1]", "/bin/sh", List.of("sh", "-c", "echo $$ > " + pid + "; exec sleep 100"),
                List.of(), 1L, 0L)), 0, 0, "hooks.startContainer[1]: hook /bin/sh timed out after 1 s");
        assertTrue(ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).isEmpty(), "the timed-out hook was killed and reaped");
    }

    @Test
    void capsetRefused() throws Exception {
        // an effective set beyond the permitted one: capset(2) says EPERM whatever this process holds
        fails(List.of(Step.of(Op.CAPS, "process.capabilities", 1L, 0L, 0L, 0L)), 0, EPERM,
                "process.capabilities: capset: Operation not permitted");
        // a capability dropped from the permitted set cannot come back
        fails(List.of(Step.of(Op.CAPS, "first", 0L, 0L, 0L, 0L), Step.of(Op.CAPS, "process.capabilities", 1L, 1L, 0L, 0L)), 1, EPERM,
                "process.capabilities: capset: Operation not permitted");
    }

    @Test
    void pivotRootRefused() throws Exception {
        Path rootfs = Files.createDirectories(sb.dir.resolve("rootfs"));
        String mountinfo = Files.readString(Path.of("/proc/self/mountinfo"));
        // a directory of the mount the helper's root is on: pivot_root(2) says EBUSY
        fails(privateMounts(Step.of(Op.PIVOT, "root.path", rootfs.toString())), 2, EBUSY,
                "root.path: pivot_root " + rootfs + ": Device or resource busy");
        // a directory that is no mount point, on another mount (a tmpfs in the helper's namespace): EINVAL
        Path t = Files.createDirectories(sb.dir.resolve("t"));
        fails(privateMounts(Step.of(Op.MOUNT_HOST, "mounts[0]", "tmpfs", t.toString(), "tmpfs", 0L, "size=64k"), Step.of(Op.SET_ROOT, "root.path", t.toString()),
                Step.of(Op.MKDIRS, "root.path", "/rootfs", 0755L), Step.of(Op.PIVOT, "root.path", t + "/rootfs")), 5, EINVAL,
                "root.path: pivot_root " + t + "/rootfs: Invalid argument");
        fails(privateMounts(Step.of(Op.PIVOT, "root.path", sb.dir.resolve("none").toString())), 2, ENOENT,
                "root.path: enter rootfs " + sb.dir.resolve("none") + ": No such file or directory");
        assertEquals(List.of(), Sandbox.mountsUnder(sb.dir));
        assertEquals(mountsOf(mountinfo, sb.dir), mountsOf(Files.readString(Path.of("/proc/self/mountinfo")), sb.dir));
    }

    /** BIND_ROOT (a container without a mount namespace) follows no symlink to the rootfs: a swapped path component cannot send it elsewhere. */
    @Test
    void bindRootFollowsNoSymlink() throws Exception {
        Path real = Files.createDirectories(sb.dir.resolve("real/rootfs"));
        Path link = Files.createSymbolicLink(sb.dir.resolve("link"), real.getParent());
        fails(privateMounts(Step.of(Op.BIND_ROOT, "root.path", link.resolve("rootfs").toString(), MS_PRIVATE)), 2, ELOOP,
                "root.path: open rootfs " + link.resolve("rootfs") + ": Too many levels of symbolic links");
        assertEquals(List.of(), Sandbox.mountsUnder(sb.dir));
    }

    @Test
    void mountAttributesRefused() throws Exception {
        Path rootfs = Files.createDirectories(sb.dir.resolve("rootfs/m"));
        Step root = Step.of(Op.SET_ROOT, "root.path", rootfs.getParent().toString());
        Step tmpfs = Step.of(Op.MOUNT, "mounts[0]", "tmpfs", "/m", "tmpfs", 0L, "size=64k");
        // an attribute this kernel does not know
        fails(privateMounts(root, tmpfs, Step.of(Op.SETATTR, "mounts[0]", "/m", 1L << 40, 0L, 0L)), 4, EINVAL,
                "mounts[0]: set mount attributes of /m: Invalid argument");
        // a directory that is no mount's root
        fails(privateMounts(root, Step.of(Op.SETATTR, "root.readonly", "/m", 1L, 0L, 0L)), 3, EINVAL,
                "root.readonly: set mount attributes of /m: Invalid argument");
        assertEquals(List.of(), Sandbox.mountsUnder(sb.dir), "the helper's mounts stayed in its own namespace");
    }

    static List<String> mountsOf(String mountinfo, Path under) {
        return jrun.linux.MountInfo.mountpoints(mountinfo).stream().filter(m -> m.startsWith(under.toString())).toList();
    }
}
