package jrun.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jrun.JrunException;
import jrun.helper.Op;
import jrun.helper.Step;
import jrun.linux.FakeHostFiles;
import jrun.linux.cgroups.CgroupLayout;
import jrun.linux.cgroups.CgroupWrite;
import jrun.spec.Json;
import jrun.spec.Spec;
import jrun.spec.TestConfigs;

/** Where LinuxHardening puts capabilities and seccomp in the create and exec plans (runc's order), as data. */
class HardeningPlanTest {
    static final LinuxHardening H = new LinuxHardening(40, null);

    static List<Step> plan(Map<String, Object> c) {
        return new Planner(Spec.from(c), "c", PlannerTest.ROOTFS, PlannerTest.OPTS, Path.of("/run/jrun/c/exec.fifo"), new FakeHostFiles(),
                "1 0 0:1 / / rw - ext4 /dev/vda rw\n", PlannerTest.V2, Map.of("/sys/fs/cgroup", "/me/jrun-c"), H).plan();
    }

    static Map<String, Object> config(boolean nnp) {
        Map<String, Object> c = TestConfigs.minimal();
        Map<String, Object> p = TestConfigs.process(c);
        p.put("noNewPrivileges", nnp);
        p.put("user", Json.parse("{\"uid\":1000,\"gid\":1000}"));
        p.put("capabilities", Json.parse("{\"bounding\":[\"CAP_KILL\",\"CAP_CHOWN\"],\"effective\":[\"CAP_KILL\"],\"permitted\":[\"CAP_KILL\"],"
                + "\"inheritable\":[\"CAP_KILL\"],\"ambient\":[\"CAP_KILL\",\"CAP_CHOWN\"]}"));
        TestConfigs.linux(c).put("seccomp", Json.parse("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}]}"));
        return c;
    }

    @Test
    void withoutNoNewPrivsSeccompLoadsBeforeTheUserSwitch() {
        List<Op> ops = PlannerTest.ops(plan(config(false)));
        assertTrue(ops.indexOf(Op.CAP_BOUNDING) < ops.indexOf(Op.SETGROUPS));
        assertTrue(ops.indexOf(Op.SECCOMP) < ops.indexOf(Op.SETUID), "needs CAP_SYS_ADMIN: before setuid drops it");
        assertTrue(ops.indexOf(Op.CLOSE_FDS) < ops.indexOf(Op.SECCOMP), "a profile without close_range would refuse it after the filter");
        assertTrue(ops.indexOf(Op.CAPS) > ops.indexOf(Op.SETUID) && ops.indexOf(Op.CAPS) < ops.indexOf(Op.WAIT_START));
        assertEquals(1, ops.stream().filter(o -> o == Op.SECCOMP).count());
    }

    @Test
    void withNoNewPrivsSeccompIsTheLastStepBeforeExec() {
        List<Step> s = plan(config(true));
        List<Op> ops = PlannerTest.ops(s);
        assertEquals(List.of(Op.SECCOMP, Op.EXEC), ops.subList(ops.size() - 2, ops.size()));
        assertTrue(ops.indexOf(Op.CLOSE_FDS) < ops.indexOf(Op.SETUID));
        assertTrue(ops.indexOf(Op.NO_NEW_PRIVS) < ops.indexOf(Op.SECCOMP));
        Step bounding = s.get(ops.indexOf(Op.CAP_BOUNDING));
        assertEquals(((1L << 41) - 1) & ~((1L << 5) | 1L), bounding.number(0), "every capability but KILL and CHOWN dropped");
        Step caps = s.get(ops.indexOf(Op.CAPS));
        assertEquals(List.of(1L << 5, 1L << 5, 1L << 5, 1L << 5), caps.args(), "CHOWN is not raised into ambient (not permitted)");
        Step sec = s.get(ops.indexOf(Op.SECCOMP));
        assertEquals(0, ((byte[]) sec.args().get(1)).length % 8);
    }

    @Test
    void noCapabilitiesMeansNone() {
        Map<String, Object> c = TestConfigs.minimal();
        TestConfigs.process(c).remove("capabilities");
        List<Step> s = plan(c);
        assertEquals(List.of(0L, 0L, 0L, 0L), s.get(PlannerTest.ops(s).indexOf(Op.CAPS)).args());
        assertFalse(PlannerTest.ops(s).contains(Op.SECCOMP));
    }

    @Test
    void notifyNeedsAListenerAndBadSysctlsAreRefusedNamingTheField() {
        Map<String, Object> c = config(true);
        TestConfigs.linux(c).put("seccomp", Json.parse("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}"));
        JrunException e = assertThrows(JrunException.class, () -> plan(c));
        assertTrue(e.getMessage().startsWith("linux.seccomp.listenerPath: required"), e.getMessage());
        TestConfigs.linux(c).put("seccomp", Json.parse("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/run/agent.sock\","
                + "\"listenerMetadata\":\"m\",\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}"));
        List<Step> s = plan(c);
        List<Op> ops = PlannerTest.ops(s);
        Step l = s.get(ops.indexOf(Op.SECCOMP_LISTENER));
        assertTrue(ops.indexOf(Op.SECCOMP_LISTENER) < ops.indexOf(Op.PIVOT), "connected while the host's paths are visible");
        assertEquals("/run/agent.sock", l.text(0));
        assertTrue(l.text(1).startsWith("{\"ociVersion\":") && l.text(1).endsWith("\"fds\":[\"seccompFd\"],\"metadata\":\"m\""), l.text(1));
        assertTrue((s.get(ops.indexOf(Op.SECCOMP)).number(0) & 8) != 0, "NEW_LISTENER");
        Map<String, Object> d = TestConfigs.minimal();
        TestConfigs.linux(d).put("sysctl", Json.parse("{\"vm.swappiness\":\"10\"}"));
        e = assertThrows(JrunException.class, () -> plan(d));
        assertTrue(e.getMessage().contains("linux.sysctl"), e.getMessage());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aSelfPlacedExecClonesIntoItsCgroupsBeforeJoiningCgroupAndMountNamespaces(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Map<String, Object> c = config(false);
        TestConfigs.linux(c).put("namespaces", Json.parse("[{\"type\":\"mount\"},{\"type\":\"cgroup\"},{\"type\":\"pid\"},{\"type\":\"network\"}]"));
        // each directory told by its own files, as on a hybrid host: v1 has tasks, cgroup2 cgroup.controllers
        Path memory = Files.createDirectories(tmp.resolve("memory/jrun-c")), unified = Files.createDirectories(tmp.resolve("unified/jrun-c")),
                pids = Files.createDirectories(tmp.resolve("pids/jrun-c")), gone = tmp.resolve("blkio/jrun-c");
        Files.writeString(memory.resolve("tasks"), "");
        Files.writeString(pids.resolve("tasks"), "");
        Files.writeString(unified.resolve("cgroup.controllers"), "memory pids\n");
        assertEquals(new ExecPlanner.SelfPlacement(unified.toString(), List.of(memory + "/tasks", pids + "/tasks")),
                ExecPlanner.SelfPlacement.of(List.of(memory.toString(), unified.toString(), gone.toString(), pids.toString())));
        ExecPlanner.SelfPlacement self = new ExecPlanner.SelfPlacement("/sys/fs/cgroup/unified/jrun-c",
                List.of("/sys/fs/cgroup/memory/jrun-c/tasks", "/sys/fs/cgroup/pids/jrun-c/tasks"));
        List<Step> s = ExecPlanner.plan(Spec.from(c), 42, new ExecOptions(null, false, null, 0, false), H, null, self);
        List<String> head = s.subList(3, 11).stream().map(Step::toString).toList();
        assertEquals(List.of("SETNS /proc/42/ns/pid 536870912", "SETNS /proc/42/ns/net 1073741824",
                "CLONE 0 3 /sys/fs/cgroup/unified/jrun-c",
                "WRITE_FILE /sys/fs/cgroup/memory/jrun-c/tasks 0", "WRITE_FILE /sys/fs/cgroup/pids/jrun-c/tasks 0",
                "SETNS /proc/42/ns/cgroup 33554432", "SETNS /proc/42/ns/mnt 131072", "SET_ROOT /"), head);
        assertFalse(PlannerTest.ops(s).contains(Op.WAIT_GO), "it places itself: no go to wait for");
        // with a pid file to write once it has exec'd, the helper gives up the report pipe (EOF: exec'd); detached, it does not wait
        assertEquals(1L, clone(ExecPlanner.plan(Spec.from(c), 42, new ExecOptions(null, false, "/p", 0, false), H, null, self)).number(1));
        assertEquals(0L, clone(ExecPlanner.plan(Spec.from(c), 42, new ExecOptions(null, true, "/p", 0, false), H, null, self)).number(1));
        Map<String, Object> oom = config(false);
        TestConfigs.linux(oom).put("namespaces", TestConfigs.linux(c).get("namespaces"));
        ((Map<String, Object>) oom.get("process")).put("oomScoreAdj", Json.parse("100"));
        assertTrue(PlannerTest.ops(ExecPlanner.plan(Spec.from(oom), 42, new ExecOptions(null, false, null, 0, false), H, null, self)).contains(Op.WAIT_GO),
                "Java writes oom_score_adj first");
        // Java places it (null) in a user namespace: every namespace first, then an ordinary clone
        List<Step> j = ExecPlanner.plan(Spec.from(c), 42, new ExecOptions(null, false, null, 0, false), H, null, null);
        List<Op> ops = PlannerTest.ops(j);
        assertEquals(List.of(Op.SETNS, Op.SETNS, Op.SETNS, Op.SETNS, Op.CLONE, Op.WAIT_GO), ops.subList(3, 9));
        assertEquals("", j.get(7).text(2));
    }

    @Test
    void execJoinsUserFirstAndMountLastThenClones() {
        Map<String, Object> c = config(true);
        TestConfigs.linux(c).put("namespaces", Json.parse("[{\"type\":\"mount\"},{\"type\":\"pid\"},{\"type\":\"user\"},{\"type\":\"network\"}]"));
        TestConfigs.linux(c).put("uidMappings", Json.parse("[{\"containerID\":0,\"hostID\":1000,\"size\":10}]"));
        TestConfigs.linux(c).put("gidMappings", Json.parse("[{\"containerID\":0,\"hostID\":1000,\"size\":10}]"));
        List<Step> s = ExecPlanner.plan(Spec.from(c), 42, new ExecOptions(null, true, null, 0, false), H);
        List<String> joined = s.stream().filter(x -> x.op() == Op.SETNS).map(x -> x.text(0)).toList();
        assertEquals(List.of("/proc/42/ns/user", "/proc/42/ns/pid", "/proc/42/ns/net", "/proc/42/ns/mnt"), joined);
        List<Op> ops = PlannerTest.ops(s);
        assertEquals(0L, s.get(ops.indexOf(Op.CLONE)).number(1), "--detach: the helper does not wait");
        assertEquals(List.of(Op.SECCOMP, Op.EXEC), ops.subList(ops.size() - 2, ops.size()));
        assertTrue(ops.indexOf(Op.CLOSE_FDS) < ops.indexOf(Op.SETUID));
        assertFalse(ops.contains(Op.WAIT_START) || ops.contains(Op.PIVOT) || ops.contains(Op.MOUNT));
        Map<String, Object> t = config(true);
        TestConfigs.process(t).put("terminal", true);
        JrunException e = assertThrows(JrunException.class, () -> ExecPlanner.plan(Spec.from(t), 42, new ExecOptions(null, false, null, 0, false), H));
        assertTrue(e.getMessage().contains("--console-socket"), e.getMessage());
    }

    @Test
    @SuppressWarnings("unchecked")
    void resourcesGoToEachControllersDirectoryOnV1() {
        String mountinfo = "30 1 0:26 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n31 1 0:27 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n";
        CgroupLayout l = CgroupLayout.parse(mountinfo, "5:memory:/\n4:pids:/\n");
        LinuxHardening h = new LinuxHardening(40, l);
        List<CgroupWrite> w = h.plan((Map<String, Object>) Json.parse("{\"memory\":{\"limit\":67108864},\"pids\":{\"limit\":20}}"),
                List.of("/sys/fs/cgroup/memory/jrun-c", "/sys/fs/cgroup/pids/jrun-c"), true);
        assertTrue(w.contains(new CgroupWrite(Path.of("/sys/fs/cgroup/memory/jrun-c/memory.limit_in_bytes"), "67108864")), w.toString());
        assertTrue(w.contains(new CgroupWrite(Path.of("/sys/fs/cgroup/pids/jrun-c/pids.max"), "20")), w.toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void resourceMembersNotAppliedAreRefusedAndRealConfigsPass() throws Exception {
        String mountinfo = "30 1 0:26 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n31 1 0:27 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n";
        LinuxHardening h = new LinuxHardening(40, CgroupLayout.parse(mountinfo, "5:memory:/\n4:pids:/\n"));
        List<String> dirs = List.of("/sys/fs/cgroup/memory/jrun-c", "/sys/fs/cgroup/pids/jrun-c");
        JrunException e = assertThrows(JrunException.class,
                () -> h.plan((Map<String, Object>) Json.parse("{\"rdma\":{\"mlx5_0\":{\"hcaHandles\":3}}}"), dirs, false));
        assertEquals("linux.resources.rdma: not supported by jrun", e.getMessage());
        e = assertThrows(JrunException.class,
                () -> h.plan((Map<String, Object>) Json.parse("{\"memory\":{\"limit\":100000000,\"checkBeforeUpdate\":true}}"), dirs, true));
        assertEquals("linux.resources.memory.checkBeforeUpdate: not supported by jrun", e.getMessage());
        h.plan((Map<String, Object>) Json.parse("{\"rdma\":{},\"memory\":{\"checkBeforeUpdate\":false,\"limit\":100000000}}"), dirs, true);
        for (String f : List.of("docker-20.10.24-run.json", "docker-20.10.24-run-limits.json", "podman-4.3.1-run.json")) {
            try (var in = getClass().getResourceAsStream("/jrun/linux/configs/" + f)) {
                Map<String, Object> c = (Map<String, Object>) Json.parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                LinuxHardening.refuseUnknown((Map<String, Object>) ((Map<String, Object>) c.get("linux")).get("resources"));
            }
        }
    }

    @Test
    void execGetsHomeFromThePasswdItIsGiven() {
        Map<String, Object> c = jrun.spec.ConfigTree.object(jrun.spec.Json.parse(
                "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},\"process\":{\"args\":[\"sh\"],\"env\":[\"PATH=/bin\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}},"
                + "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]}}"), "");
        List<Step> s = ExecPlanner.plan(Spec.from(c), 42, new ExecOptions(null, true, null, 0, false), Hardening.NONE,
                "root:x:0:0:root:/root:/bin/sh\n");
        Step exec = s.get(s.size() - 1);
        assertEquals(Op.EXEC, exec.op());
        assertTrue(exec.toString().contains("HOME=/root"), exec.toString());
    }

    private static Step clone(List<Step> plan) {
        return plan.stream().filter(x -> x.op() == Op.CLONE).findFirst().orElseThrow();
    }
}
