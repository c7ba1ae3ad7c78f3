package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import jrun.testing.Sandbox;

/**
 * A pure cgroup v2 host, made from this hybrid one inside a private mount namespace (the v1
 * tree detached, cgroup2 mounted at /sys/fs/cgroup): jrun makes, fills and removes the v2
 * cgroup, and mounts cgroup2 in the container.
 */
class CgroupV2IT extends WithSandbox {
    @Test
    void createPlaceAndRemoveOnPureV2() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sh", "-c", "grep ' /sys/fs/cgroup' /proc/self/mountinfo | sed 's/^[^ ]* [^ ]* [^ ]* [^ ]* \\([^ ]*\\) .* - \\([^ ]*\\) .*/\\1 \\2/'; grep '^0::' /proc/self/cgroup"));
        String j = Sandbox.JRUN + " --root " + sb.jrunRoot;
        String cg = jrun.runtime.CgroupPlacement.defaultName(sb.jrunRoot, "v2c");
        String script = "umount -l /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup && "
                + j + " run --bundle " + b + " v2run && "
                + j + " create --bundle " + b + " v2c && echo procs=$(cat /sys/fs/cgroup/" + cg + "/cgroup.procs) && "
                + j + " delete v2c && ls /sys/fs/cgroup/" + cg + " 2>/dev/null || echo removed";
        String v2 = "umount -l /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup && ";
        Sandbox.Result r;
        try {
            r = Sandbox.exec(List.of("unshare", "-m", "--propagation", "private", "sh", "-c", script), null);
        } finally { // the state names v2 paths: delete in the same view if the script stopped half-way
            Sandbox.exec(List.of("unshare", "-m", "--propagation", "private", "sh", "-c", v2 + j + " delete -f v2c; " + j + " delete -f v2run; true"), null);
        }
        assertEquals(0, r.status(), r.err());
        List<String> l = r.out().lines().toList();
        assertEquals(List.of("/sys/fs/cgroup cgroup2", "0::/"), l.subList(0, 2), "cgroup2 mounted inside, in a cgroup namespace");
        assertTrue(l.get(2).matches("procs=\\d+"), l.toString());
        assertEquals("removed", l.get(3));
    }
}
