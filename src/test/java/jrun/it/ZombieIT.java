package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import jrun.testing.Sandbox;

/**
 * create and exec wait for their jrun-helper: none is left a zombie for the caller's subreaper
 * (containerd's shim is one) or pid 1. A python3 subreaper runs the command and lists the
 * zombies handed to it.
 */
@Timeout(120)
class ZombieIT extends WithSandbox {
    private static final String SUBREAPER = """
            import ctypes, os, subprocess, sys, time
            ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
            want = int(sys.argv[1])
            import tempfile
            err = tempfile.TemporaryFile()  # a file, not a pipe: create hands its stderr to the container
            r = subprocess.run(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
            err.seek(0)
            if r.returncode != want: sys.exit('exit status %d, not %d: %s' % (r.returncode, want, err.read()))
            time.sleep(0.3)
            zombies = []
            for p in os.listdir('/proc'):
                try: st = open('/proc/%s/stat' % p).read()
                except (OSError, ValueError): continue
                head, tail = st.rsplit(')', 1)
                f = tail.split()
                if f[0] == 'Z' and int(f[1]) == os.getpid(): zombies.append(head.split('(', 1)[1])
            print(' '.join(zombies))
            """;

    /** The names of the zombies a subreaper is left after jrun args. */
    private String zombiesAfter(String... args) {
        return zombiesAfterStatus(0, args);
    }

    /** The names of the zombies a subreaper is left after jrun args, which must exit with status. */
    private String zombiesAfterStatus(int status, String... args) {
        List<String> cmd = new ArrayList<>(List.of("python3", "-c", SUBREAPER, String.valueOf(status), Sandbox.JRUN.toString(), "--root", sb.jrunRoot.toString()));
        cmd.addAll(List.of(args));
        Sandbox.Result r = Sandbox.exec(cmd, null);
        assertEquals(0, r.status(), r.err());
        return r.out().strip();
    }

    @Test
    void createAndExecLeaveNoZombieHelper() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        assertEquals("", zombiesAfter("create", "--bundle", b.toString(), "z1"), "zombies after create");
        sb.jrun("start", "z1").ok();
        assertEquals("", zombiesAfter("exec", "z1", "true"), "zombies after exec");
        assertEquals("", zombiesAfter("exec", "--detach", "z1", "sleep", "1"), "zombies after exec --detach");
        sb.jrun("delete", "--force", "z1").ok();
        LifecycleErrorsIT.nothingLeftOf(sb, "z1");
    }

    /** The failure paths wait for their helper too: a create or exec the helper fails, and one that fails before it is used. */
    @Test
    void failingCreatesAndExecsLeaveNoZombieHelper() throws Exception {
        Path badCwd = sb.bundle("cwd", c -> {
            Sandbox.args(c, "true");
            Sandbox.process(c).put("cwd", "/no/such/dir");
        });
        assertEquals("", zombiesAfterStatus(1, "create", "--bundle", badCwd.toString(), "z2"), "zombies after a create whose init fails");
        Path badConfig = sb.bundle("bad", c -> c.put("ociVersion", "0.1"));
        assertEquals("", zombiesAfterStatus(1, "create", "--bundle", badConfig.toString(), "z3"), "zombies after a create refused before its helper ran");
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        sb.jrun("run", "--detach", "--bundle", b.toString(), "z4").ok();
        assertEquals("", zombiesAfterStatus(1, "exec", "z4", "/no/such/program"), "zombies after an exec of a missing program");
        assertEquals("", zombiesAfterStatus(1, "exec", "--cwd", "/no/such/dir", "z4", "true"), "zombies after an exec that fails in the helper");
        assertEquals("", zombiesAfterStatus(1, "exec", "--process", "/no/such/process.json", "z4"), "zombies after an exec refused before its helper ran");
        assertEquals("", zombiesAfterStatus(1, "kill", "z9", "KILL"), "zombies after a kill of a missing container (the launcher's helper unused)");
        sb.jrun("delete", "--force", "z4").ok();
        for (String id : List.of("z2", "z3", "z4")) LifecycleErrorsIT.nothingLeftOf(sb, id);
    }
}
