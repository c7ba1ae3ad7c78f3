package jrun.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerCgroupsTest {
    @TempDir
    Path root;

    private String dir(String name) throws Exception {
        return Files.createDirectories(root.resolve(name)).toString();
    }

    @Test
    void frozenReadsTheV1FreezerWhereverItComesInTheList() throws Exception {
        String cpu = dir("cpu"), freezer = dir("freezer"), unified = dir("unified");
        Files.writeString(Path.of(unified, "cgroup.freeze"), "0\n");
        Files.writeString(Path.of(freezer, "freezer.state"), "FROZEN\n");
        assertTrue(ContainerCgroups.frozen(List.of(cpu, freezer, unified)));
        Files.writeString(Path.of(freezer, "freezer.state"), "THAWED\n");
        assertFalse(ContainerCgroups.frozen(List.of(cpu, freezer, unified)));
        Files.writeString(Path.of(freezer, "freezer.state"), "FREEZING\n");
        assertTrue(ContainerCgroups.frozen(List.of(cpu, unified, freezer)), "v1's freezer wins over cgroup.freeze");
    }

    @Test
    void frozenFallsBackToCgroupV2() throws Exception {
        String cpu = dir("cpu"), unified = dir("unified");
        Files.writeString(Path.of(unified, "cgroup.freeze"), "1\n");
        assertTrue(ContainerCgroups.frozen(List.of(cpu, unified)));
        Files.writeString(Path.of(unified, "cgroup.freeze"), "0\n");
        assertFalse(ContainerCgroups.frozen(List.of(cpu, unified)));
        assertFalse(ContainerCgroups.frozen(List.of(cpu)), "no freezer at all: not frozen");
    }
}
