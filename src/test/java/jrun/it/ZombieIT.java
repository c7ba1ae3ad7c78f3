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
            r = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
            if r.returncode != 0: sys.exit('exit status %d' % r.returncode)
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
        List<String> cmd = new ArrayList<>(List.of("python3", "-c", SUBREAPER, Sandbox.JRUN.toString(), "--root", sb.jrunRoot.toString()));
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
}
