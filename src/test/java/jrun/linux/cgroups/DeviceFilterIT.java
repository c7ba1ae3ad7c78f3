package jrun.linux.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jrun.testing.Cmd;
import jrun.testing.Require;

/** Loads the v2 device program into the kernel (verifier), attaches it to a cgroup2 directory and opens devices from inside. */
class DeviceFilterIT {
    @Test
    void kernelEnforcesTheProgram(@TempDir Path dir) throws Exception {
        Require.root("bpf(2) and cgroup creation need root");
        CgroupLayout layout = CgroupLayout.detect();
        Require.host(layout.unified() != null, "a cgroup2 mount");
        Path home = Path.of(System.getProperty("jrun.home", "."));
        Path probe = dir.resolve("bpf-dev-probe");
        exec(List.of("gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-o", probe.toString(), home.resolve("src/test/c/bpf-dev-probe.c").toString()));
        byte[] prog = DeviceFilter.compile(DeviceFilterTest.rules("""
            [{"allow":false,"access":"rwm"},
             {"allow":true,"type":"c","major":1,"minor":3,"access":"rwm"},
             {"allow":true,"type":"c","major":1,"minor":5,"access":"r"},
             {"allow":true,"type":"c","major":1,"access":"m"},
             {"allow":false,"type":"c","major":1,"minor":9,"access":"rwm"}]"""));
        Path file = Files.write(dir.resolve("devices.bpf"), prog);
        Path cg = layout.directory("", "/jrun-it-dev-" + ProcessHandle.current().pid());
        Files.createDirectory(cg);
        try {
            String out = exec(List.of(probe.toString(), file.toString(), cg.toString(), "r:/dev/null", "w:/dev/null", "r:/dev/zero",
                    "w:/dev/zero", "r:/dev/urandom", "r:/dev/tty", "m:c:1:7:" + dir.resolve("full"), "m:c:1:9:" + dir.resolve("urandom"),
                    "m:b:7:0:" + dir.resolve("loop0")));
            assertEquals(String.join("\n", "r:/dev/null ok", "w:/dev/null ok", "r:/dev/zero ok", "w:/dev/zero errno=1",
                    "r:/dev/urandom errno=1", "r:/dev/tty errno=1", "m:c:1:7:" + dir.resolve("full") + " ok",
                    "m:c:1:9:" + dir.resolve("urandom") + " errno=1", "m:b:7:0:" + dir.resolve("loop0") + " errno=1") + "\n", out);
        } finally {
            Files.deleteIfExists(cg);
        }
    }

    static String exec(List<String> cmd) {
        Cmd.Result r = Cmd.run(cmd, null, Map.of(), 60);
        if (r.exit() != 0) throw new AssertionError(cmd + " failed: " + r);
        return r.out();
    }
}
