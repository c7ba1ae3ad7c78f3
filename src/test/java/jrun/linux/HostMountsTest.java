package jrun.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class HostMountsTest {
    static final String BEFORE = """
            20 1 0:1 / / rw - ext4 /dev/vda rw
            30 20 0:30 / /b/rootfs rw - overlay overlay rw
            31 20 0:31 / /b/rootfsx rw - tmpfs tmpfs rw
            """;
    static final String AFTER = BEFORE + """
            40 30 0:30 / /b/rootfs rw - overlay overlay rw
            41 40 0:41 / /b/rootfs/proc rw - proc proc rw
            42 40 0:42 / /b/rootfs/dev rw - tmpfs tmpfs rw
            43 42 0:43 / /b/rootfs/dev/pts rw - devpts devpts rw
            44 41 0:41 /sys /b/rootfs/proc/sys ro - proc proc rw
            45 40 0:45 / /b/rootfs/my\\040dir rw - tmpfs tmpfs rw
            46 40 0:46 / /b/rootfs/x rw - tmpfs tmpfs rw
            47 46 0:47 / /b/rootfs/x rw - tmpfs tmpfs rw
            """;

    @Test
    void madeAreTheNewMountsAtOrBelowTheRootfsOnly() {
        List<HostMounts.Entry> before = HostMounts.under(BEFORE, "/b/rootfs");
        assertEquals(List.of(new HostMounts.Entry(30, "/b/rootfs")), before, "not /b/rootfsx");
        assertEquals(List.of(40L, 41L, 42L, 43L, 44L, 45L, 46L, 47L), HostMounts.made(before, AFTER, "/b/rootfs").stream().map(HostMounts.Entry::id).toList());
    }

    @Test
    void undoIsDeepestFirstAndTheLaterOfOnePathFirstAndLeavesWhatWasThereBefore() {
        List<HostMounts.Entry> before = HostMounts.under(BEFORE, "/b/rootfs");
        HostMounts.Record r = new HostMounts.Record("/b/rootfs", before, HostMounts.made(before, AFTER, "/b/rootfs"));
        // 48: mounted later by the container itself below one of ours, not recorded: undone too;
        // 49: below the rootfs but on the mount that was there before (another's): left
        String now = AFTER + "48 40 0:48 / /b/rootfs/tmp rw - tmpfs tmpfs rw\n49 30 0:49 / /b/rootfs/other rw - tmpfs tmpfs rw\n";
        List<Long> order = HostMounts.toUndo(r, now).stream().map(HostMounts.Entry::id).toList();
        assertEquals(List.of(44L, 43L, 48L, 47L, 46L, 45L, 42L, 41L, 40L), order);
        // 41 moved by the container (its parent directory renamed): still ours, by id
        assertEquals(List.of(44L, 43L, 47L, 46L, 45L, 42L, 41L, 40L),
                HostMounts.toUndo(r, AFTER.replace("/b/rootfs/proc ", "/b/rootfs/p2 ").replace("/b/rootfs/proc/sys", "/b/rootfs/p2/sys")).stream().map(HostMounts.Entry::id).toList());
        // a record without made mounts (a create that failed before writing them): all that is new below the rootfs
        HostMounts.Record early = new HostMounts.Record("/b/rootfs", before, List.of());
        assertEquals(List.of(44L, 43L, 49L, 48L, 47L, 46L, 45L, 42L, 41L, 40L), HostMounts.toUndo(early, now).stream().map(HostMounts.Entry::id).toList());
    }

    @Test
    void theRecordRoundTripsWithEscapedPaths() {
        HostMounts.Record r = new HostMounts.Record("/b/my root", List.of(new HostMounts.Entry(30, "/b/my\\040root")),
                List.of(new HostMounts.Entry(45, "/b/my\\040root/a\\134b")));
        String text = r.text();
        assertEquals("rootfs /b/my\\040root\nbefore 30 /b/my\\040root\nmade 45 /b/my\\040root/a\\134b\n", text);
        assertEquals(r, HostMounts.Record.parse(text));
        assertEquals("/b/my root/a\\b", r.made().get(0).path());
    }
}
