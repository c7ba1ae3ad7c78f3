package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import jrun.testing.Sandbox;

/**
 * A NUL character in a config string is the usual one-line error naming the field, exit 1 (issue
 * 13, item 6): it was "internal error: java.lang.IllegalArgumentException", exit 70. Nothing is
 * left behind: no state, no cgroup, no mount.
 */
class NulInConfigIT extends WithSandbox {
    static final String NUL = "\0";

    @SuppressWarnings("unchecked")
    static Map<String, Object> mount(Map<String, Object> c, int i) {
        return (Map<String, Object>) Sandbox.mounts(c).get(i);
    }

    static Consumer<Map<String, Object>> edit(String field) {
        return switch (field) {
            case "process.args[1]" -> c -> Sandbox.args(c, "echo", "a" + NUL + "b");
            case "process.env[0]" -> c -> Sandbox.process(c).put("env", new ArrayList<Object>(List.of("PATH=/bin" + NUL + ":/evil")));
            case "process.cwd" -> c -> Sandbox.process(c).put("cwd", "/tmp" + NUL + "/x");
            case "hostname" -> c -> c.put("hostname", "h" + NUL + "x");
            case "mounts[0].destination" -> c -> mount(c, 0).put("destination", "/proc" + NUL + "/x");
            case "mounts[1].source" -> c -> mount(c, 1).put("source", "tmpfs" + NUL + "x");
            case "hooks.prestart[0].path" -> c -> c.put("hooks", new LinkedHashMap<String, Object>(Map.of("prestart",
                    List.of(new LinkedHashMap<String, Object>(Map.of("path", "/bin/true" + NUL + "x"))))));
            case "linux.cgroupsPath" -> c -> Sandbox.linux(c).put("cgroupsPath", "/jrun-nul" + NUL + "x");
            case "root.path" -> c -> ((Map<String, Object>) c.get("root")).put("path", "rootfs" + NUL + "x");
            default -> throw new AssertionError(field);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"process.args[1]", "process.env[0]", "process.cwd", "hostname", "mounts[0].destination",
            "mounts[1].source", "hooks.prestart[0].path", "linux.cgroupsPath", "root.path"})
    void createNamesTheField(String field) throws Exception {
        Path b = sb.bundle("b", c -> {
            Sandbox.args(c, "true");
            edit(field).accept(c);
        });
        assertEquals(List.of(), Sandbox.mountsUnder(sb.dir));
        Sandbox.Result r = sb.jrun("create", "--bundle", b.toString(), "n1");
        assertEquals(1, r.status(), r.toString());
        assertEquals("jrun: " + b.resolve("config.json") + ": " + field
                + ": contains a NUL character (\\u0000), which no string given to the kernel may hold\n", r.err());
        assertEquals("", r.out());
        assertFalse(Files.exists(sb.jrunRoot.resolve("n1")), "no state left");
        assertEquals(List.of(), Sandbox.mountsUnder(sb.dir), "nothing left mounted");
        for (String dir : sb.cgroupDirs("n1")) assertFalse(Files.exists(Path.of(dir)), "no cgroup left: " + dir);
    }

    @Test
    void aMemberNameIsNamedToo() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.linux(c).put("sysctl", new LinkedHashMap<String, Object>(Map.of("kernel.domainname" + NUL, "x"))));
        Sandbox.Result r = sb.jrun("create", "--bundle", b.toString(), "n1");
        assertEquals(1, r.status(), r.toString());
        assertEquals("jrun: " + b.resolve("config.json") + ": linux.sysctl.kernel.domainname?: a member name contains a NUL character (\\u0000),"
                + " which no string given to the kernel may hold\n", r.err());
    }

    @Test
    void execsProcessFileNamesTheField() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        sb.jrun("create", "--bundle", b.toString(), "n2").ok();
        Path proc = Files.writeString(sb.dir.resolve("process.json"),
                "{\"args\":[\"echo\",\"a\\u0000b\"],\"cwd\":\"/\",\"env\":[\"PATH=/bin\"],\"user\":{\"uid\":0,\"gid\":0}}");
        Sandbox.Result r = sb.jrun("exec", "--process", proc.toString(), "n2");
        assertEquals(1, r.status(), r.toString());
        assertEquals("jrun: exec: process.args[1]: contains a NUL character (\\u0000), which no string given to the kernel may hold\n", r.err());
        Files.writeString(proc, "{\"args\":[\"true\"],\"cwd\":\"/\",\"env\":[\"A=1\\u0000\"],\"user\":{\"uid\":0,\"gid\":0}}");
        r = sb.jrun("exec", "--process", proc.toString(), "n2");
        assertEquals(1, r.status(), r.toString());
        assertEquals("jrun: exec: process.env[0]: contains a NUL character (\\u0000), which no string given to the kernel may hold\n", r.err());
    }
}
