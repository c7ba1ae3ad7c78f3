package jrun.runtime;

import static jrun.linux.MountFlags.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import jrun.JrunException;
import jrun.helper.Op;
import jrun.helper.Step;
import jrun.linux.CgroupHierarchy;
import jrun.linux.DeviceNumbers;
import jrun.linux.FakeHostFiles;
import jrun.linux.HostFiles.Kind;
import jrun.spec.Spec;
import jrun.spec.TestConfigs;

/** The steps planned for a config, checked as data: no root, no helper. */
class PlannerTest {
    static final Path ROOTFS = Path.of("/b/rootfs");
    static final CreateOptions OPTS = new CreateOptions(Path.of("/b"), null, null, false, false, 0, 0, false);
    static final List<CgroupHierarchy> V2 = List.of(new CgroupHierarchy("/sys/fs/cgroup", true, "", "/me", "/"));

    static List<Step> plan(Map<String, Object> config, CreateOptions opts, FakeHostFiles host) {
        return new Planner(Spec.from(config), "c", ROOTFS, opts, Path.of("/run/jrun/c/exec.fifo"), host, "1 0 0:1 / / rw - ext4 /dev/vda rw\n",
                V2, Map.of("/sys/fs/cgroup", "/me/jrun-c")).plan();
    }

    static List<Op> ops(List<Step> steps) {
        return steps.stream().map(Step::op).toList();
    }

    static String text(List<Step> steps) {
        return steps.stream().map(Step::toString).collect(Collectors.joining("\n"));
    }

    @Test
    void lifecycleOrder() {
        List<Step> s = plan(TestConfigs.minimal(), OPTS, new FakeHostFiles());
        List<Op> ops = ops(s);
        // nothing for Java to do between CLONE and the mounts (no user namespace, hooks, oom score
        // or seccomp listener): the init goes straight on, without waiting for a go
        assertEquals(List.of(Op.GETFD, Op.GETFD, Op.GETFD, Op.MKFIFO, Op.OPEN_FIFO, Op.CLONE, Op.SETSID,
                Op.JOIN_KEYRING, Op.MOUNT_HOST, Op.MOUNT_HOST, Op.SET_ROOT), ops.subList(0, 11));
        assertFalse(ops.contains(Op.WAIT_GO));
        assertEquals("JOIN_KEYRING _ses.c", s.get(7).toString(), "the container's own session keyring");
        Step clone = s.get(5);
        assertEquals(0x20000000L | 0x00020000L | 0x04000000L | 0x08000000L, clone.number(0));
        assertEquals(0L, clone.number(1));
        assertTrue(ops.indexOf(Op.PIVOT) > ops.lastIndexOf(Op.MOUNT));
        assertTrue(ops.indexOf(Op.SETHOSTNAME) > ops.indexOf(Op.PIVOT));
        assertEquals(List.of(Op.CLOSE_FDS, Op.CHDIR, Op.SETGROUPS, Op.SETGID, Op.SETUID, Op.UMASK, Op.LOOKUP, Op.WAIT_START, Op.EXEC),
                ops.subList(ops.size() - 9, ops.size()));
        Step lookup = s.get(ops.indexOf(Op.LOOKUP)); // at create, as runc: the exec's own candidates
        assertEquals(List.of(List.of("/usr/bin/sh", "/bin/sh"), "sh"), lookup.args());
        assertFalse(ops.contains(Op.BARRIER), "no host hooks, no barrier");
        Step exec = s.get(s.size() - 1);
        assertEquals(List.of("/usr/bin/sh", "/bin/sh"), exec.args().get(0));
        assertEquals(List.of("sh", "-c", "true"), exec.args().get(1));
        assertEquals(022L, s.get(s.size() - 4).number(0));
    }

    @Test
    void mountsInOrderWithTheirFlags() {
        Map<String, Object> c = TestConfigs.minimal();
        TestConfigs.mounts(c).add(TestConfigs.json("{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"data\",\"options\":[\"rbind\",\"ro\",\"rprivate\",\"rnosuid\"]}"));
        FakeHostFiles host = new FakeHostFiles().with("/b/data", Kind.DIRECTORY);
        String t = text(plan(c, OPTS, host));
        assertTrue(t.contains("MKDIRS /proc 493\nMOUNT proc /proc proc 0 \n"), t);
        assertTrue(t.contains("MKDIRS /dev 493\nMOUNT tmpfs /dev tmpfs 2 mode=755\n"), t);
        assertTrue(t.contains("MKDIRS /data 493\nMOUNT /b/data /data  " + (MS_BIND | MS_REC) + " \nSETATTR /data 1 0 0\nMOUNT  /data  "
                + (MS_PRIVATE | MS_REC) + " \nSETATTR /data 2 0 1\n"), t);
        assertTrue(t.indexOf("/proc proc") < t.indexOf("/b/data"));
    }

    @Test
    void bindOfAFileMakesAFileAndAMissingSourceIsAnError() {
        Map<String, Object> c = TestConfigs.minimal();
        TestConfigs.mounts(c).add(TestConfigs.json("{\"destination\":\"/etc/hosts\",\"type\":\"bind\",\"source\":\"/h/hosts\"}"));
        assertTrue(text(plan(c, OPTS, new FakeHostFiles().with("/h/hosts", Kind.FILE))).contains("MKFILE /etc/hosts 420\n"));
        JrunException e = assertThrows(JrunException.class, () -> plan(c, OPTS, new FakeHostFiles()));
        assertEquals("mounts[2].source: /h/hosts does not exist", e.getMessage());
    }

    @Test
    void defaultDevicesOnAFreshDev() {
        String t = text(plan(TestConfigs.minimal(), OPTS, new FakeHostFiles()));
        assertTrue(t.contains("MKNOD /dev/null " + (0020000 | 0666) + " " + DeviceNumbers.makedev(1, 3) + " 0 0"), t);
        assertTrue(t.contains("SYMLINK /proc/self/fd /dev/fd"));
        assertTrue(t.contains("SYMLINK pts/ptmx /dev/ptmx"));
        assertFalse(t.contains("/dev/console"), "no terminal, no console");
    }

    @Test
    void dynamicMinorComesFromTheHostNode() {
        Map<String, Object> c = TestConfigs.minimal();
        TestConfigs.linux(c).put("devices", TestConfigs.json("[{\"path\":\"/dev/binder\",\"type\":\"c\",\"major\":10,\"minor\":1,\"dynamicMinor\":true,\"fileMode\":384,\"uid\":5,\"gid\":6}]"));
        String t = text(plan(c, OPTS, new FakeHostFiles().device("/dev/binder", DeviceNumbers.makedev(10, 57))));
        assertTrue(t.contains("MKNOD /dev/binder " + (0020000 | 0600) + " " + DeviceNumbers.makedev(10, 57) + " 5 6"), t);
        JrunException e = assertThrows(JrunException.class, () -> plan(c, OPTS, new FakeHostFiles()));
        assertEquals("linux.devices[0].dynamicMinor: host device /dev/binder does not exist, so its number cannot be copied", e.getMessage());
    }

    @Test
    void dynamicMajorAndTypeChecks() {
        Map<String, Object> c = TestConfigs.minimal();
        TestConfigs.linux(c).put("devices", TestConfigs.json("[{\"path\":\"/dev/x\",\"type\":\"c\",\"minor\":4,\"dynamicMajor\":true}]"));
        String t = text(plan(c, OPTS, new FakeHostFiles().device("/dev/x", DeviceNumbers.makedev(240, 9))));
        assertTrue(t.contains("MKNOD /dev/x " + (0020000 | 0666) + " " + DeviceNumbers.makedev(240, 4) + " 0 0"), t);
        JrunException e = assertThrows(JrunException.class, () -> plan(c, OPTS, new FakeHostFiles().with("/dev/x", Kind.FILE)));
        assertEquals("linux.devices[0].dynamicMajor: host /dev/x is not a character device", e.getMessage());
    }

    /** A new user namespace with root mapped to 100000 (and no hostname: it needs a uts namespace). */
    static void inUserNamespace(Map<String, Object> c) {
        TestConfigs.linux(c).put("namespaces", TestConfigs.json("[{\"type\":\"mount\"},{\"type\":\"user\"}]"));
        TestConfigs.linux(c).put("uidMappings", TestConfigs.json("[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]"));
        TestConfigs.linux(c).put("gidMappings", TestConfigs.json("[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]"));
        c.remove("hostname");
    }

    /** The host's default device nodes, which a user namespace binds instead of making. */
    static FakeHostFiles hostDevices() {
        FakeHostFiles host = new FakeHostFiles();
        for (String d : List.of("null", "zero", "full", "random", "urandom", "tty")) host.device("/dev/" + d, 0);
        return host;
    }

    @Test
    void userNamespaceBindsDevicesInsteadOfMknod() {
        Map<String, Object> c = TestConfigs.minimal();
        inUserNamespace(c);
        FakeHostFiles host = hostDevices();
        String t = text(plan(c, OPTS, host));
        assertFalse(t.contains("MKNOD"), t);
        assertTrue(t.contains("MKFILE /dev/null 420\nMOUNT /dev/null /dev/null  4096 \n"), t);
        assertTrue(t.contains("WAIT_GO\nDUMPABLE 0\nSETGID 0\nSETUID 0\n"), "the init becomes the mapped root first: " + t);
    }

    @Test
    void hostHooksGetABarrierAndContainerHooksRunInTheInit() {
        Map<String, Object> c = TestConfigs.minimal();
        c.put("hooks", TestConfigs.json("""
                {"prechroot":[{"path":"/p"}],"createContainer":[{"path":"/cc","args":["cc","1"],"env":["A=1"],"timeout":5}],
                 "startContainer":[{"path":"/sc"}]}"""));
        List<Step> s = plan(c, OPTS, new FakeHostFiles());
        List<Op> ops = ops(s);
        int barrier = ops.indexOf(Op.BARRIER), hook = ops.indexOf(Op.HOOK), pivot = ops.indexOf(Op.PIVOT);
        assertTrue(ops.lastIndexOf(Op.MKNOD) < barrier && barrier < hook && hook < pivot, ops.toString());
        assertEquals("HOOK /cc [cc, 1] [A=1] 5 1", s.get(hook).toString());
        assertEquals("HOOK /sc [] [] 0 2", s.get(ops.lastIndexOf(Op.HOOK)).toString());
        assertEquals("hooks.createContainer[0]", s.get(hook).origin());
        assertTrue(ops.lastIndexOf(Op.HOOK) > ops.indexOf(Op.WAIT_START));
    }

    @Test
    void joinedNamespacesUserFirstAndNoPivotChroots() {
        Map<String, Object> c = TestConfigs.minimal();
        TestConfigs.linux(c).put("namespaces", TestConfigs.json("""
                [{"type":"mount"},{"type":"uts"},{"type":"network","path":"/run/netns/a"},{"type":"user","path":"/proc/9/ns/user"}]"""));
        List<Step> s = plan(c, new CreateOptions(Path.of("/b"), null, null, true, true, 0, 0, false), new FakeHostFiles());
        List<Step> setns = s.stream().filter(x -> x.op() == Op.SETNS).toList();
        assertEquals("SETNS /proc/9/ns/user 268435456", setns.get(0).toString());
        assertEquals("linux.namespaces[2].path", setns.get(1).origin());
        assertTrue(ops(s).contains(Op.CHROOT));
        assertFalse(ops(s).contains(Op.JOIN_KEYRING), "--no-new-keyring");
        assertFalse(ops(s).contains(Op.PIVOT));
    }

    @Test
    void terminalNeedsAConsoleSocket() {
        Map<String, Object> c = TestConfigs.minimal();
        TestConfigs.process(c).put("terminal", Boolean.TRUE);
        JrunException e = assertThrows(JrunException.class, () -> plan(c, OPTS, new FakeHostFiles()));
        assertEquals("cannot allocate tty if jrun will detach without setting console socket", e.getMessage());
        List<Step> s = plan(c, new CreateOptions(Path.of("/b"), null, "/s.sock", false, false, 0, 0, false), new FakeHostFiles());
        assertEquals(Op.CONSOLE_SOCKET, s.get(0).op(), "no stdio passthrough with a terminal");
        assertTrue(text(s).contains("MKFILE /dev/console"));
        assertTrue(ops(s).indexOf(Op.CONSOLE) > ops(s).indexOf(Op.PIVOT));
    }

    @Test
    void preservedAndListenFds() {
        List<Step> s = plan(TestConfigs.minimal(), new CreateOptions(Path.of("/b"), null, null, false, false, 2, 1, true), new FakeHostFiles());
        assertEquals("GETFD 5 5", s.get(5).toString());
        assertEquals(3L, s.stream().filter(x -> x.op() == Op.CLONE).findFirst().get().number(1), "foreground: the helper waits, and keeps the report pipe until the container exits");
        Step close = s.stream().filter(x -> x.op() == Op.CLOSE_FDS).findFirst().get();
        assertEquals(6L, close.number(0));
        @SuppressWarnings("unchecked")
        List<String> env = (List<String>) s.get(s.size() - 1).args().get(2);
        assertTrue(env.contains("LISTEN_FDS=1") && env.contains("LISTEN_PID=1"), env.toString());
    }

    @Test
    void refusals() {
        Map<String, Object> c = TestConfigs.minimal();
        TestConfigs.linux(c).put("namespaces", TestConfigs.json("[{\"type\":\"mount\"}]"));
        assertEquals("hostname: setting it needs a uts namespace",
                assertThrows(JrunException.class, () -> plan(c, OPTS, new FakeHostFiles())).getMessage());
    }

    /** No mount namespace: the host's / is never touched, the rootfs is bound and made private, and entered by chroot. */
    @Test
    void withoutAMountNamespaceTheHostsRootIsLeftAlone() {
        Map<String, Object> c = TestConfigs.minimal();
        TestConfigs.linux(c).put("namespaces", TestConfigs.json("[{\"type\":\"pid\"},{\"type\":\"uts\"}]"));
        List<Step> s = plan(c, OPTS, new FakeHostFiles());
        List<Op> ops = ops(s);
        assertFalse(ops.contains(Op.MOUNT_HOST) || ops.contains(Op.SET_ROOT), "nothing mounted or opened by a host path but the rootfs's one BIND_ROOT");
        assertEquals("BIND_ROOT /b/rootfs " + MS_PRIVATE, s.get(ops.indexOf(Op.BIND_ROOT)).toString());
        assertFalse(ops.contains(Op.PIVOT) || ops.contains(Op.CHROOT));
        assertEquals("ENTER_ROOT ", s.get(ops.indexOf(Op.ENTER_ROOT)).toString());
        assertTrue(ops.indexOf(Op.ENTER_ROOT) > ops.lastIndexOf(Op.MOUNT) && ops.indexOf(Op.MOUNT) > ops.indexOf(Op.BIND_ROOT));
        assertEquals(0x20000000L | 0x04000000L, s.get(ops.indexOf(Op.CLONE)).number(0), "no CLONE_NEWNS");

        TestConfigs.linux(c).put("rootfsPropagation", "unbindable");
        List<Step> u = plan(c, OPTS, new FakeHostFiles());
        assertEquals("BIND_ROOT /b/rootfs " + MS_UNBINDABLE, u.get(ops(u).indexOf(Op.BIND_ROOT)).toString());
        TestConfigs.linux(c).put("rootfsPropagation", "rshared");
        assertEquals("linux.rootfsPropagation: \"rshared\" needs a mount namespace of the container's own; without one the container's mounts would propagate to the host's peers",
                assertThrows(JrunException.class, () -> plan(c, OPTS, new FakeHostFiles())).getMessage());
    }

    @Test
    void mountLabelOnlyWhereSelinuxIsEnabled() {
        Map<String, Object> c = TestConfigs.minimal();
        TestConfigs.linux(c).put("mountLabel", "system_u:object_r:container_file_t:s0:c1,c2");
        TestConfigs.mounts(c).add(TestConfigs.json("{\"destination\":\"/run\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"mode=755\"]}"));
        String plain = text(plan(c, OPTS, new FakeHostFiles()));
        assertFalse(plain.contains("context="), "no selinuxfs mounted: ignored, as crun");
        String selinux = "1 0 0:1 / / rw - ext4 /dev/vda rw\n2 1 0:20 / /sys/fs/selinux rw,relatime - selinuxfs selinuxfs rw\n";
        String t = text(new Planner(Spec.from(c), "c", ROOTFS, OPTS, Path.of("/run/jrun/c/exec.fifo"), new FakeHostFiles(), selinux,
                V2, Map.of("/sys/fs/cgroup", "/me/jrun-c")).plan());
        assertTrue(t.contains("MOUNT tmpfs /run tmpfs 0 mode=755,context=\"system_u:object_r:container_file_t:s0:c1,c2\"\n"), t);
        assertTrue(t.contains("MOUNT proc /proc proc 0 \n"), "proc takes no context: " + t);
    }

    @Test
    void sharedAndUnbindableRootsAfterThePivot() {
        for (String prop : List.of("shared", "rshared", "unbindable", "runbindable")) {
            Map<String, Object> c = TestConfigs.minimal();
            TestConfigs.linux(c).put("rootfsPropagation", prop);
            List<Step> s = plan(c, OPTS, new FakeHostFiles());
            List<Op> ops = ops(s);
            long flag = (prop.endsWith("shared") ? 1L << 20 : 1L << 17) | (prop.startsWith("r") ? 16384L : 0L);
            Step first = s.get(ops.indexOf(Op.MOUNT_HOST));
            assertEquals("MOUNT_HOST  /  " + ((1L << 19) | 16384L) + " ", first.toString(), prop + ": the host's mounts slaves first, nothing shared with it");
            int after = -1;
            for (int i = 0; i < s.size(); i++)
                if (s.get(i).toString().equals("MOUNT_HOST  /  " + flag + " ")) after = i;
            assertTrue(after > ops.indexOf(Op.PIVOT), prop + ": the root's own propagation after the pivot");
        }
    }

    @Test
    void joinedMountAndUtsNamespaces() {
        Map<String, Object> c = TestConfigs.minimal();
        TestConfigs.linux(c).put("namespaces", TestConfigs.json("[{\"type\":\"pid\"},{\"type\":\"mount\",\"path\":\"/run/ns/mnt\"},"
                + "{\"type\":\"uts\",\"path\":\"/run/ns/uts\"}]"));
        List<Step> s = plan(c, OPTS, new FakeHostFiles());
        List<Op> ops = ops(s);
        List<String> joined = s.stream().filter(x -> x.op() == Op.SETNS).map(Step::toString).toList();
        // mount last: inside it the other paths may name other files
        assertEquals(List.of("SETNS /run/ns/uts 67108864", "SETNS /run/ns/mnt 131072"), joined);
        assertTrue(ops.lastIndexOf(Op.SETNS) < ops.indexOf(Op.CLONE), "joined by the helper: the init is born in them");
        assertEquals(0x20000000L, s.get(ops.indexOf(Op.CLONE)).number(0), "only the pid namespace is new");
        assertTrue(ops.indexOf(Op.PIVOT) > ops.indexOf(Op.CLONE), "the rootfs is set up inside the joined namespace");
        assertTrue(ops.contains(Op.SETHOSTNAME), "the name is set in the joined uts namespace");
    }

    @Test
    void cgroupMountOnHybridHost() {
        Map<String, Object> c = TestConfigs.minimal();
        TestConfigs.mounts(c).add(TestConfigs.json("{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\",\"options\":[\"ro\"]}"));
        List<CgroupHierarchy> hybrid = List.of(new CgroupHierarchy("/sys/fs/cgroup/memory", false, "memory", "/p", "/"),
                new CgroupHierarchy("/sys/fs/cgroup/unified", true, "", "/", "/"));
        List<Step> s = new Planner(Spec.from(c), "c", ROOTFS, OPTS, Path.of("/f"), new FakeHostFiles(), "", hybrid,
                Map.of("/sys/fs/cgroup/memory", "/p/jrun-c", "/sys/fs/cgroup/unified", "/jrun-c")).plan();
        String t = text(s);
        assertTrue(t.contains("MOUNT tmpfs /sys/fs/cgroup tmpfs 0 mode=755\n"), t);
        assertTrue(t.contains("MOUNT /sys/fs/cgroup/memory/p/jrun-c /sys/fs/cgroup/memory  4096 \n"), t);
        assertTrue(t.contains("SETATTR /sys/fs/cgroup 1 0 0"), t);
    }

    /** The minimal config with process.oomScoreAdj, which Java writes from the host. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> withOomScoreAdj() {
        Map<String, Object> c = TestConfigs.minimal();
        ((Map<String, Object>) c.get("process")).put("oomScoreAdj", jrun.spec.JsonNumber.of(100));
        return c;
    }

    /** The minimal config with one /bin/true hook at stage. */
    static Map<String, Object> withHook(String stage) {
        Map<String, Object> c = TestConfigs.minimal();
        c.put("hooks", Map.of(stage, List.of(Map.of("path", "/bin/true"))));
        return c;
    }

    @Test
    void theInitWaitsForGoOnlyWhenJavaHasWorkBeforeIt() {
        for (Map<String, Object> c : List.of(withOomScoreAdj(), withHook("createContainer"), withHook("prestart"))) {
            List<Op> ops = ops(plan(c, OPTS, new FakeHostFiles()));
            assertEquals(Op.WAIT_GO, ops.get(ops.indexOf(Op.CLONE) + 1), c.toString());
        }
        Map<String, Object> user = TestConfigs.minimal();
        inUserNamespace(user);
        assertTrue(ops(plan(user, OPTS, hostDevices())).contains(Op.WAIT_GO), "the id maps come first");
        assertFalse(ops(plan(TestConfigs.minimal(), OPTS, new FakeHostFiles())).contains(Op.WAIT_GO));
    }

    /** The init waits for the go first exactly when goFirst() says so. */
    @Test
    void theInitWaitsForTheGoFirstOnlyWhenGoFirst() {
        Map<String, Object> user = TestConfigs.minimal();
        inUserNamespace(user);
        for (Map<String, Object> c : List.of(TestConfigs.minimal(), withOomScoreAdj(), withHook("startContainer"), user)) {
            Planner p = new Planner(Spec.from(c), "c", ROOTFS, OPTS, Path.of("/f"), hostDevices(), "1 0 0:1 / / rw - ext4 /dev/vda rw\n",
                    V2, Map.of("/sys/fs/cgroup", "/me/jrun-c"));
            assertEquals(p.goFirst(), ops(p.init()).contains(Op.WAIT_GO), c.toString());
        }
    }

    @Test
    void aNetworkNamespaceMadeAheadIsLeftOutOfTheClone() {
        Map<String, Object> c = TestConfigs.minimal();
        TestConfigs.linux(c).put("namespaces", TestConfigs.json("[{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":\"uts\"},{\"type\":\"network\"}]"));
        Planner p = new Planner(Spec.from(c), "c", ROOTFS, OPTS, Path.of("/f"), new FakeHostFiles(), "", V2, Map.of("/sys/fs/cgroup", "/me/jrun-c"));
        long before = p.host().stream().filter(s -> s.op() == Op.CLONE).findFirst().orElseThrow().number(0);
        assertEquals(0x40000000L, before & 0x40000000L, "CLONE_NEWNET, asked for");
        p.networkMade();
        long after = p.host().stream().filter(s -> s.op() == Op.CLONE).findFirst().orElseThrow().number(0);
        assertEquals(before & ~0x40000000L, after, "the helper's own namespace is the init's");
        assertThrows(IllegalStateException.class, () -> new Planner(Spec.from(TestConfigs.minimal()), "c", ROOTFS, OPTS, Path.of("/f"),
                new FakeHostFiles(), "", V2, Map.of("/sys/fs/cgroup", "/me/jrun-c")).networkMade(), "a config without a new network namespace");
        Map<String, Object> user = TestConfigs.minimal();
        inUserNamespace(user);
        TestConfigs.linux(user).put("namespaces", TestConfigs.json("[{\"type\":\"mount\"},{\"type\":\"user\"},{\"type\":\"network\"}]"));
        assertThrows(IllegalStateException.class, () -> new Planner(Spec.from(user), "c", ROOTFS, OPTS, Path.of("/f"), hostDevices(), "", V2,
                Map.of("/sys/fs/cgroup", "/me/jrun-c")).networkMade(), "a user namespace must own it");
    }

    @Test
    void theInitJoinsItsCgroupsItselfUnlessInAUserNamespace() {
        List<CgroupHierarchy> hybrid = List.of(new CgroupHierarchy("/sys/fs/cgroup/memory", false, "memory", "/p", "/"),
                new CgroupHierarchy("/sys/fs/cgroup/pids", false, "pids", "/", "/"), new CgroupHierarchy("/sys/fs/cgroup/unified", true, "", "/", "/"));
        Map<String, String> cg = Map.of("/sys/fs/cgroup/memory", "/p/jrun-c", "/sys/fs/cgroup/pids", "/jrun-c", "/sys/fs/cgroup/unified", "/jrun-c");
        Map<String, Object> c = TestConfigs.minimal();
        List<Step> s = new Planner(Spec.from(c), "c", ROOTFS, OPTS, Path.of("/f"), new FakeHostFiles(), "", hybrid, cg).plan();
        List<Op> ops = ops(s);
        int clone = ops.indexOf(Op.CLONE);
        assertEquals("/sys/fs/cgroup/unified/jrun-c", s.get(clone).text(2), "born in its v2 cgroup");
        assertEquals(List.of("WRITE_FILE /sys/fs/cgroup/memory/p/jrun-c/tasks 0", "WRITE_FILE /sys/fs/cgroup/pids/jrun-c/tasks 0"),
                s.subList(clone + 1, clone + 3).stream().map(Step::toString).toList(), "then joins each v1 cgroup, before waiting for go");
        assertEquals(Op.SETSID, ops.get(clone + 3), "no go to wait for");
        assertTrue(Planner.selfPlaced(Spec.from(c)));

        inUserNamespace(c);
        FakeHostFiles host = hostDevices();
        List<Step> u = new Planner(Spec.from(c), "c", ROOTFS, OPTS, Path.of("/f"), host, "", hybrid, cg).plan();
        int uclone = ops(u).indexOf(Op.CLONE);
        assertEquals("/sys/fs/cgroup/unified/jrun-c", u.get(uclone).text(2), "clone3 runs in the helper, as host root");
        assertEquals(List.of(Op.WAIT_GO, Op.DUMPABLE), ops(u).subList(uclone + 1, uclone + 3),
                "in a user namespace Java places it in v1, and writes its maps while it is dumpable (born so)");
        assertEquals(0L, u.get(uclone + 2).number(0));
        assertFalse(Planner.selfPlaced(Spec.from(c)));
    }

    @Test
    void homeComesFromTheContainersPasswdAsRuncDoes() {
        String passwd = "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/nonexistent:/bin/false\n";
        assertEquals(List.of("PATH=/bin", "HOME=/root"), Planner.withHome(List.of("PATH=/bin"), 0, passwd));
        assertEquals(List.of("PATH=/bin", "HOME=/nonexistent"), Planner.withHome(List.of("PATH=/bin"), 65534, passwd));
        assertEquals(List.of("PATH=/bin", "HOME=/"), Planner.withHome(List.of("PATH=/bin"), 1000, passwd));
        assertEquals(List.of("PATH=/bin", "HOME=/"), Planner.withHome(List.of("PATH=/bin"), 0, ""));
        assertEquals(List.of("A=1", "HOME=/"), Planner.withHome(List.of("A=1"), 0, null));
        assertEquals(List.of("HOME=/x"), Planner.withHome(List.of("HOME=/x"), 0, passwd), "a HOME given is kept");
    }

    @Test
    void anIdmappedBindIsMadeBeforeTheCloneAndMovedInPlace() {
        Map<String, Object> c = TestConfigs.minimal();
        TestConfigs.mounts(c).add(TestConfigs.json("{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/srv/d\",\"options\":[\"rbind\",\"ro\",\"ridmap\"],"
                + "\"uidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}],"
                + "\"gidMappings\":[{\"containerID\":0,\"hostID\":200000,\"size\":10}]}"));
        List<Step> s = plan(c, OPTS, new FakeHostFiles().with("/srv/d", Kind.DIRECTORY));
        List<Op> ops = ops(s);
        int tree = ops.indexOf(Op.IDMAP_TREE);
        assertTrue(tree >= 0 && tree < ops.indexOf(Op.CLONE), "as root of the host, before the clone");
        assertEquals("IDMAP_TREE /srv/d 0 100000 65536\n 0 200000 10\n 3 0", s.get(tree).toString(), "rbind (1) and ridmap (2)");
        int move = ops.indexOf(Op.MOVE_TREE);
        assertEquals("MOVE_TREE /data", s.get(move).toString());
        assertEquals(Op.MKDIRS, ops.get(move - 1));
        assertEquals(Op.SETATTR, ops.get(move + 1), "ro on the attached copy");
        assertTrue(move < ops.indexOf(Op.PIVOT));
        assertFalse(text(s).contains("MOUNT /srv/d"), "no plain bind of the source");

        TestConfigs.mounts(c).set(TestConfigs.mounts(c).size() - 1, TestConfigs.json("{\"destination\":\"/data\",\"type\":\"tmpfs\",\"source\":\"t\","
                + "\"options\":[\"idmap\"],\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}],\"gidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}]}"));
        JrunException e = assertThrows(JrunException.class, () -> plan(c, OPTS, new FakeHostFiles()));
        assertTrue(e.getMessage().endsWith(".uidMappings: jrun idmaps bind mounts only (type \"bind\" or option \"bind\"/\"rbind\")"), e.getMessage());
    }

    @Test
    void rootlessBindsDevicesAndTheCgroupsItMayNotMount() {
        Map<String, Object> c = TestConfigs.minimal(); // no user namespace: rootless Podman's runtime runs in its own
        TestConfigs.mounts(c).add(TestConfigs.json("{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\",\"options\":[\"ro\"]}"));
        TestConfigs.linux(c).put("namespaces", TestConfigs.json("[{\"type\":\"mount\"},{\"type\":\"pid\"},{\"type\":\"uts\"},{\"type\":\"cgroup\"}]"));
        List<CgroupHierarchy> all = List.of(new CgroupHierarchy("/sys/fs/cgroup/pids", false, "pids", "/user", "/"),
                new CgroupHierarchy("/sys/fs/cgroup/memory", false, "memory", "/me", "/"));
        Map<String, String> mine = Map.of("/sys/fs/cgroup/pids", "/user/jrun-c"); // the only writable one
        List<Step> s = new Planner(Spec.from(c), "c", ROOTFS, OPTS, Path.of("/f"), hostDevices(), "", List.of(all.get(0)), mine)
                .rootlessCgroupMounts(all).plan();
        String t = text(s);
        assertFalse(t.contains("MKNOD"), "mknod is refused: " + t);
        assertTrue(t.contains("MOUNT /sys/fs/cgroup/pids/user/jrun-c /sys/fs/cgroup/pids"), "its own cgroup where it has one: " + t);
        assertTrue(t.contains("MOUNT /sys/fs/cgroup/memory/me /sys/fs/cgroup/memory"), "jrun's own elsewhere: " + t);
        assertFalse(t.contains(" cgroup pids") || t.contains(" cgroup memory"), "no cgroup filesystem mounted: " + t);
    }
}
