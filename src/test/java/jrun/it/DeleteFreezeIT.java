package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import jrun.runtime.CgroupPlacement;
import jrun.testing.Sandbox;

/**
 * delete --force of a container whose processes keep moving to new pids (each starts its successor and exits), in the host's pid namespace (so
 * killing its init kills nothing else): its cgroups are frozen before the kill, so the list of
 * processes read is all of them and none forks out of the kill; nothing is left. --debug counts the
 * processes born while delete was killing: none (without the freeze, checked: 1 to 23 in a delete).
 */
@Timeout(180)
class DeleteFreezeIT extends WithSandbox {
    @Test
    @SuppressWarnings("unchecked")
    void aForkingContainerIsKilledWhole() throws Exception {
        Path b = sb.bundle("b", c -> {
            // ten chains of processes that each start the next and exit: a pid read from
            // cgroup.procs may be gone by the time it is killed, its successor not in the list
            // (their zombies go to the host's pid 1: pids.max is no limit on the chains)
            Sandbox.args(c, "sh", "-c", "for i in 1 2 3 4 5 6 7 8 9 10; do /bin/chain; done; exec sleep 100000");
            List<Object> ns = (List<Object>) Sandbox.linux(c).get("namespaces");
            ns.removeIf(n -> "pid".equals(((Map<String, Object>) n).get("type")));
            ((Map<String, Object>) Sandbox.linux(c).computeIfAbsent("resources", k -> new java.util.LinkedHashMap<>()))
                    .put("pids", new java.util.LinkedHashMap<>(Map.of("limit", 10000)));
        });
        Path chain = Files.writeString(b.resolve("rootfs/bin/chain"), "#!/bin/sh\n/bin/chain &\n");
        Files.setPosixFilePermissions(chain, PosixFilePermissions.fromString("rwxr-xr-x"));
        try {
            threeRounds(b);
        } finally { // chains that escaped a failed delete end themselves
            Path stop = Files.writeString(b.resolve("rootfs/bin/chain.new"), "#!/bin/sh\nexit 0\n");
            Files.setPosixFilePermissions(stop, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.move(stop, chain, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Thread.sleep(200);
        }
    }

    private void threeRounds(Path b) throws Exception {
        for (int round = 0; round < 3; round++) {
            String id = "fb" + round;
            sb.jrun("run", "--detach", "--bundle", b.toString(), id).ok();
            List<String> dirs = sb.cgroupDirs(id);
            int seen = 0; // the count moves as chains hand over: judge the sample that met the bar, not a new one
            for (int i = 0; i < 500 && (seen = CgroupPlacement.pids(dirs).size()) < 8; i++) Thread.sleep(10);
            assertTrue(seen >= 8, "the chains did not grow: " + seen);
            long t0 = System.nanoTime();
            Sandbox.Result d = sb.jrun("--debug", "delete", "--force", id);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(0, d.status(), "round " + round + " (" + ms + " ms): " + d.err());
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("killed \\((\\d+) born during the kill\\)").matcher(d.err());
            assertTrue(m.find(), d.err());
            assertEquals("0", m.group(1), "processes born while delete killed: the freeze let them fork; " + d.err());
            LifecycleErrorsIT.nothingLeftOf(sb, id);
            LifecycleErrorsIT.noProcessLeft(sb);
            System.out.println("delete --force of a container of moving processes: " + ms + " ms");
        }
    }
}
