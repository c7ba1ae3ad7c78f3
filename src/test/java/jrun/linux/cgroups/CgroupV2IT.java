package jrun.linux.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jrun.linux.ProcFiles;
import jrun.testing.Require;

/**
 * What cgroup v2 offers even without controllers (this host's /sys/fs/cgroup/unified): the
 * freezer (cgroup.freeze) and cpu.stat. Run against the real kernel with a real process.
 */
class CgroupV2IT {
    @Test
    @SuppressWarnings("unchecked")
    void freezeThawAndCpuStats() throws Exception {
        Require.root("creating cgroups needs root");
        CgroupLayout host = CgroupLayout.detect();
        Require.host(host.unified() != null, "a cgroup2 mount");
        // the same mount seen as a pure v2 layout, so the v2 code paths are taken on a hybrid host too
        CgroupLayout v2 = new CgroupLayout(CgroupLayout.Mode.V2, Map.of(), host.unified(), Map.of("", "/"));
        String cg = "/jrun-it-v2-" + ProcessHandle.current().pid();
        Path dir = v2.directory("", cg);
        Files.createDirectory(dir);
        Process busy = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
        try {
            Files.writeString(dir.resolve("cgroup.procs"), Long.toString(busy.pid()));
            Thread.sleep(200);
            CgroupWrite.apply(List.of(Freezer.freeze(v2, cg)));
            waitFor(Freezer.stateFile(v2, cg), "frozen 1");
            long before = usage(dir);
            Thread.sleep(300);
            assertEquals(before, usage(dir), "a frozen cgroup uses no cpu");
            CgroupWrite.apply(List.of(Freezer.thaw(v2, cg)));
            waitFor(Freezer.stateFile(v2, cg), "frozen 0");
            Thread.sleep(300);
            assertTrue(usage(dir) > before, "thawed, it runs again");
            Map<String, Object> cpu = (Map<String, Object>) CgroupStats.readV2(dir).get("cpu");
            assertTrue(Long.parseLong(((Map<String, Object>) cpu.get("usage")).get("total").toString()) >= before * 1000);
        } finally {
            busy.destroyForcibly().waitFor();
            for (int i = 0; i < 50 && Files.exists(dir); i++) {
                try {
                    Files.delete(dir);
                } catch (java.nio.file.FileSystemException stillBusy) {
                    Thread.sleep(20);
                }
            }
        }
    }

    static long usage(Path dir) throws Exception {
        for (String line : ProcFiles.read(dir.resolve("cpu.stat")).split("\n")) {
            if (line.startsWith("usage_usec ")) return Long.parseLong(line.substring(11).strip());
        }
        throw new AssertionError("no usage_usec in cpu.stat");
    }

    static void waitFor(Path events, String line) throws Exception {
        for (int i = 0; i < 100; i++) {
            if (ProcFiles.read(events).lines().anyMatch(line::equals)) return;
            Thread.sleep(10);
        }
        throw new AssertionError(events + " never showed \"" + line + "\": " + ProcFiles.read(events));
    }
}
