package jrun.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jrun.spec.ConfigFile;
import jrun.spec.Json;
import jrun.testing.Cmd;
import jrun.testing.Require;

/** The masks we compute for a config are the sets runc gives a process for the same config. */
class CapabilitiesIT {
    @Test
    @SuppressWarnings("unchecked")
    void masksMatchWhatRuncApplies(@TempDir Path b) throws Exception {
        Require.root("runc needs root here");
        Files.createDirectories(b.resolve("rootfs/bin"));
        Files.copy(Path.of("/bin/busybox"), b.resolve("rootfs/bin/busybox"));
        run(List.of("runc", "spec", "--bundle", b.toString()));
        Map<String, Object> config = (Map<String, Object>) ConfigFile.read(b.resolve("config.json")).root();
        Map<String, Object> process = (Map<String, Object>) config.get("process");
        process.put("terminal", false);
        process.put("args", new ArrayList<Object>(List.of("/bin/busybox", "cat", "/proc/self/status")));
        ((Map<String, Object>) process.get("user")).put("uid", jrun.spec.JsonNumber.of(1000));
        List<Object> docker = new ArrayList<>(CapabilitiesTest.DOCKER);
        List<Object> bounding = new ArrayList<>(docker);
        bounding.addAll(List.of("CAP_SYS_ADMIN", "CAP_BPF", "CAP_CHECKPOINT_RESTORE", "CAP_SYS_RESOURCE", "CAP_NO_SUCH"));
        Map<String, Object> caps = new java.util.LinkedHashMap<>();
        caps.put("bounding", bounding);
        caps.put("effective", docker);
        caps.put("permitted", docker);
        caps.put("inheritable", new ArrayList<Object>(List.of("CAP_KILL", "CAP_CHOWN", "CAP_SYS_ADMIN")));
        caps.put("ambient", new ArrayList<Object>(List.of("CAP_KILL", "CAP_CHOWN")));
        process.put("capabilities", caps);
        Files.writeString(b.resolve("config.json"), Json.write(config), StandardCharsets.UTF_8);

        Capabilities.Masks m = Capabilities.parse(caps, "process.capabilities", Capabilities.kernelLastCap(), Capabilities.Unknown.WARN);
        Map<String, Long> status = status(run(List.of("runc", "--root", b.resolve("runc-root").toString(), "run", "--bundle", b.toString(),
                "jrun-caps-it-" + ProcessHandle.current().pid())));
        long hostBounding = status(Files.readString(Path.of("/proc/self/status"))).get("CapBnd");
        // bounding can only shrink: this host lacks CAP_SYS_RESOURCE
        assertEquals(m.bounding() & hostBounding, status.get("CapBnd"));
        assertEquals(m.inheritable(), status.get("CapInh"));
        assertEquals(m.ambient(), status.get("CapAmb"));
        // uid 1000 after execve keeps only what ambient gives it
        assertEquals(m.ambient(), status.get("CapPrm"));
        assertEquals(m.ambient(), status.get("CapEff"));
        assertEquals(1, m.warnings().size());
    }

    static Map<String, Long> status(String text) {
        Map<String, Long> m = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("Cap")) m.put(line.substring(0, 6), Long.parseUnsignedLong(line.substring(7).strip(), 16));
        }
        return m;
    }

    static String run(List<String> cmd) {
        Cmd.Result r = Cmd.run(cmd, null, Map.of(), 60);
        if (r.exit() != 0) throw new AssertionError(cmd + ": " + r);
        return r.out();
    }
}
