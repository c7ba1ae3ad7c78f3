package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import jrun.testing.Busybox;
import jrun.testing.Sandbox;

/**
 * CVE-2024-21626 class: fds of the runtime leaked into the container. runc before 1.1.12 held a
 * host directory (a cgroup fd) open while it chdir'd to process.cwd, and past the exec: a
 * process.cwd or `runc exec --cwd` of /proc/self/fd/N then put the process's working directory on
 * the host, and `..` from there reached the host's /. Checked here: the fds a created and an
 * exec'd process hold, seen from the host, are stdio and the passed fds only; and process.cwd and
 * `exec --cwd` of /proc/self/fd/N, for N from 0 to 24 (64 for exec) and around the fds the helper
 * keeps for itself (as a created init shows them), either fail or leave the process in a directory
 * from which `..` climbs to the container's root and no further. runc 1.1.5 (Debian's, patched) is the
 * control.
 */
class LeakedFdsEscapeIT extends EscapeTest {
    /** Says it ran, climbs with .., and prints the dev:ino of where it ended and of its root. */
    static final String CLIMB = "echo climbed; cd ../../../../../../../../../../../../../..; stat -c %d:%i . /";

    /** The fd numbers of pid and where each points, from the host. */
    static TreeMap<Integer, String> fdsOf(long pid) throws IOException {
        TreeMap<Integer, String> fds = new TreeMap<>();
        try (var l = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path p : l.toList()) fds.put(Integer.parseInt(p.getFileName().toString()), Files.readSymbolicLink(p).toString());
        }
        return fds;
    }

    /** Refused at the chdir (the error names the directory), or ran and climbed no further than its root. */
    static void assertClimbStaysInside(String what, Sandbox.Result r) {
        if (r.status() != 0) {
            assertTrue(r.err().contains("/proc/self/fd/"), what + ": refused, but not at the chdir: " + r);
            return;
        }
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size(), what + ": " + r);
        assertEquals("climbed", lines.get(0), what);
        assertEquals(lines.get(2), lines.get(1), what + ": `..` from the cwd must end at the container's root: " + r);
    }

    /** escape-fdlist's output names exactly the fds expected, fd 0 is /dev/null and the cwd is /. */
    static void assertFds(List<Integer> expected, String what, Sandbox.Result r) {
        assertEquals(0, r.status(), what + ": " + r);
        List<String> lines = r.out().lines().toList();
        TreeSet<Integer> fds = new TreeSet<>();
        for (String l : lines.subList(0, lines.size() - 1)) fds.add(Integer.parseInt(l.substring(0, l.indexOf(' '))));
        assertEquals(new TreeSet<>(expected), fds, what + ": " + r.out());
        assertEquals("0 /dev/null", lines.get(0), what + ": " + r.out());
        assertEquals("cwd /", lines.get(lines.size() - 1), what + ": " + r.out());
    }

    @Test
    void aContainerHoldsOnlyTheFdsItWasGiven() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "/bin/escape-fdlist"));
        attacker(b.resolve("rootfs"), "escape-fdlist");
        String given = "exec 3</dev/null 4</dev/null 5</dev/null; ";
        Sandbox.Result run = sb.sh(given + jrunLine() + " run --preserve-fds 1 --bundle " + b + " fds1 </dev/null");
        remember("fds1");
        assertFds(List.of(0, 1, 2, 3), "the init, with --preserve-fds 1", run);
        assertTrue(run.out().contains("\n3 /dev/null\n"), run.out());

        Path s = sb.bundle("s", c -> Sandbox.args(c, "sleep", "1000"));
        attacker(s.resolve("rootfs"), "escape-fdlist");
        jrun("run", "--detach", "--bundle", s.toString(), "fds2").ok();
        TreeMap<Integer, String> init = fdsOf(initPid("jrun", "fds2"));
        assertEquals(new TreeSet<>(List.of(0, 1, 2)), init.navigableKeySet(), "the init, from the host: " + init);
        assertFds(List.of(0, 1, 2), "an exec'd process", jrun("exec", "fds2", "/bin/escape-fdlist"));
        Sandbox.Result pf = sb.sh(given + jrunLine() + " exec --preserve-fds 2 fds2 /bin/escape-fdlist </dev/null");
        assertFds(List.of(0, 1, 2, 3, 4), "an exec'd process with --preserve-fds 2", pf);
        Path pidFile = sb.dir.resolve("exec.pid");
        jrun("exec", "--detach", "--pid-file", pidFile.toString(), "fds2", "sleep", "1000").ok();
        TreeMap<Integer, String> execd = fdsOf(Long.parseLong(Files.readString(pidFile).strip()));
        assertEquals(new TreeSet<>(List.of(0, 1, 2)), execd.navigableKeySet(), "a detached exec'd process, from the host: " + execd);
    }

    /**
     * 0..low, and the helper's own fd numbers (as a created init holds them while it waits) with a
     * few beyond. A leaked fd takes the lowest free number: 3 and up after stdio (runc's was 7).
     */
    List<Integer> candidates(int low) throws Exception {
        Path b = sb.bundle("probe", c -> Sandbox.args(c, "true"));
        jrun("create", "--bundle", b.toString(), "probe").ok();
        TreeSet<Integer> n = new TreeSet<>();
        for (int i = 0; i <= low; i++) n.add(i);
        // an exec's helper holds about the same fds, and one or two more
        for (int fd : fdsOf(initPid("jrun", "probe")).keySet())
            for (int k = Math.max(0, fd - 2); k <= fd + 4; k++) n.add(k);
        jrun("delete", "--force", "probe").ok();
        return new ArrayList<>(n);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jrun", "runc"})
    void processCwdThroughProcSelfFd(String rt) throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sh", "-c", CLIMB));
        Map<String, Object> config = Busybox.config(b);
        // 0..24 here, where exec tries 0..64: each failed create waits for its init to be reaped
        // before its cgroups can go, and on a loaded host that took seconds each
        for (int n : candidates(24)) {
            String cwd = "/proc/self/fd/" + n;
            Sandbox.process(config).put("cwd", cwd);
            Busybox.writeConfig(b, config);
            Sandbox.Result r = rt(rt, "run", "--bundle", b.toString(), "cwd" + n + "-" + rt);
            assertClimbStaysInside(rt + " process.cwd " + cwd, r);
            if (r.status() == 0) rt(rt, "delete", "--force", "cwd" + n + "-" + rt);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jrun", "runc"})
    void execCwdThroughProcSelfFd(String rt) throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        rt(rt, "run", "--detach", "--bundle", b.toString(), "x-" + rt).ok();
        for (int n : candidates(64))
            assertClimbStaysInside(rt + " exec --cwd /proc/self/fd/" + n, rt(rt, "exec", "--cwd", "/proc/self/fd/" + n, "x-" + rt, "sh", "-c", CLIMB));
    }
}
