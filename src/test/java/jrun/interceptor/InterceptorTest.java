package jrun.interceptor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jrun.JrunException;

class InterceptorTest {
    @TempDir Path dir;
    Path bundle;
    Path config;

    static final String CONFIG = """
            {
            \t"ociVersion": "1.0.2-dev",
            \t"process": {"env": ["PATH=/bin"], "args": ["sh"], "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 18446744073709551615, "soft": 1024}]},
            \t"hostname": "web-1",
            \t"mounts": [{"destination": "/etc/hosts", "type": "bind", "source": "/h", "options": ["rbind", "rprivate"]}],
            \t"x-unknown": {"kept": [null, 1.0, "é"]}
            }
            """;

    @BeforeEach
    void bundle() throws IOException {
        bundle = Files.createDirectories(dir.resolve("bundle"));
        config = bundle.resolve("config.json");
        Files.writeString(config, CONFIG);
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r-----"));
    }

    private ExecPlan run(String... argv) {
        InterceptorArgs args = InterceptorArgs.parse(List.of(argv));
        return new Interceptor(args, Map.of("PATH", "/usr/bin:/bin")).run(RuntimeCall.parse(args.runtimeArgs()));
    }

    @Test
    void rewritesCreateAndKeepsEverythingElse() throws IOException {
        ExecPlan plan = run("--oi-runtime-path=/bin/true", "--oi-readonly-networking-mounts", "--oi-env", "A=1",
                "--root", "/r", "create", "--bundle", bundle.toString(), "id");
        assertEquals(List.of("/bin/true", "--root", "/r", "create", "--bundle", bundle.toString(), "id"), plan.argv());
        assertEquals("/bin/true", plan.path());
        String out = Files.readString(config);
        assertTrue(out.contains("\"options\": [\n\t\t\t\t\"rbind\",\n\t\t\t\t\"rprivate\",\n\t\t\t\t\"ro\"\n"), out);
        assertTrue(out.contains("\"A=1\""));
        assertTrue(out.contains("18446744073709551615"));
        assertTrue(out.contains("\"kept\": [\n\t\t\tnull,\n\t\t\t1.0,\n\t\t\t\"é\""), out);
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
        try (var s = Files.list(bundle)) {
            assertEquals(List.of(config), s.toList(), "no temp file is left behind");
        }
    }

    @Test
    void unchangedConfigIsNotWritten() throws IOException {
        Object inode = Files.getAttribute(config, "unix:ino");
        run("--oi-runtime-path=/bin/true", "--oi-env", "PATH=/other", "create", "-b", bundle.toString(), "id");
        assertEquals(inode, Files.getAttribute(config, "unix:ino"));
        assertEquals(CONFIG, Files.readString(config));
    }

    @Test
    void bundleDefaultsToTheCurrentDirectoryAndOtherCallsAreNotTouched() throws IOException {
        Files.writeString(config, "not json");
        // state/kill/... never read config.json, even with edits requested
        ExecPlan p = run("--oi-runtime-path=/bin/true", "--oi-env=A=1", "kill", "--all", "id", "KILL");
        assertEquals(List.of("/bin/true", "kill", "--all", "id", "KILL"), p.argv());
        assertEquals("not json", Files.readString(config));
    }

    @Test
    void invalidConfigNamesFileLineColumnAndIsLeftAlone() throws IOException {
        String bad = "{\n  \"process\": {\"env\": [\"A=1\",]}\n}";
        Files.writeString(config, bad);
        JrunException e = assertThrows(JrunException.class,
                () -> run("--oi-runtime-path=/bin/true", "--oi-env=B=1", "create", "-b", bundle.toString(), "id"));
        assertEquals(config + ":2:29: unexpected ']', expected a value (invalid JSON)", e.getMessage());
        assertEquals(bad, Files.readString(config));
    }

    @Test
    void wrongTypesNameTheField() throws IOException {
        Files.writeString(config, "{\"process\":{\"env\":\"A=1\"}}");
        JrunException e = assertThrows(JrunException.class,
                () -> run("--oi-runtime-path=/bin/true", "--oi-env=B=1", "create", "-b", bundle.toString(), "id"));
        assertEquals(config + ": preset: rule oi-env: process.env: expected an array, found a string", e.getMessage());
        Files.writeString(config, "[1]");
        e = assertThrows(JrunException.class,
                () -> run("--oi-runtime-path=/bin/true", "--oi-env=B=1", "create", "-b", bundle.toString(), "id"));
        assertEquals(config + ": expected a JSON object at the top level, found an array", e.getMessage());
    }

    @Test
    void missingConfigAndMissingRuntime() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        JrunException e = assertThrows(JrunException.class,
                () -> run("--oi-runtime-path=/bin/true", "--oi-env=B=1", "create", "-b", empty.toString(), "id"));
        assertEquals(empty.resolve("config.json") + ": no such file", e.getMessage());
        e = assertThrows(JrunException.class,
                () -> run("--oi-runtime-path=no-such-runtime-xyz", "--oi-env=B=1", "create", "-b", bundle.toString(), "id"));
        assertEquals("runtime \"no-such-runtime-xyz\" not found in PATH (set --oi-runtime-path)", e.getMessage());
        assertEquals(CONFIG, Files.readString(config), "a missing runtime is found before config.json is touched");
        Path plain = Files.writeString(dir.resolve("plain"), "#!/bin/sh\n");
        e = assertThrows(JrunException.class, () -> run("--oi-runtime-path=" + plain, "state", "id"));
        assertTrue(e.getMessage().contains("not an executable file"), e.getMessage());
    }

    @Test
    void debugOutputKeepsOriginalModifiedAndEveryCall() throws IOException {
        Path debug = dir.resolve("debug");
        run("--oi-runtime-path=/bin/true", "--oi-write-debug-output", "--oi-debug-output-dir", debug.toString(),
                "--oi-env=A=1", "create", "-b", bundle.toString(), "id 1");
        run("--oi-runtime-path=/bin/true", "--oi-write-debug-output", "--oi-debug-output-dir", debug.toString(),
                "start", "id 1");
        assertEquals(CONFIG, Files.readString(debug.resolve("web-1_original.json")));
        assertEquals(Files.readString(config), Files.readString(debug.resolve("web-1_modified.json")));
        List<String> log = Files.readAllLines(debug.resolve("runtime_calls.log"));
        List<String> calls = log.stream().filter(l -> !l.contains(" rules ")).toList();
        assertEquals(2, calls.size(), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.contains(" rules id 1: ") && l.contains("oi-env")), log.toString());
        assertTrue(calls.get(0).endsWith(" /bin/true create -b " + bundle + " 'id 1'"), calls.get(0));
        assertTrue(calls.get(1).endsWith(" /bin/true start 'id 1'"), calls.get(1));
    }

    @Test
    void envFlagsApplyToAnExecProcessFileToo() throws IOException {
        Path proc = Files.writeString(dir.resolve("process.json"), "{\"args\":[\"sh\"],\"env\":[\"A=user\"],\"cwd\":\"/\"}");
        run("--oi-runtime-path=/bin/true", "--oi-env=A=default", "--oi-env=B=default", "--oi-env-force=C=forced",
                "exec", "--process", proc.toString(), "--detach", "id");
        assertEquals("{\"args\":[\"sh\"],\"env\":[\"A=user\",\"B=default\",\"C=forced\"],\"cwd\":\"/\"}", Files.readString(proc));
        // without env flags an exec is never read
        Files.writeString(proc, "garbage");
        run("--oi-runtime-path=/bin/true", "--oi-readonly-networking-mounts", "exec", "--process", proc.toString(), "id");
        JrunException e = assertThrows(JrunException.class,
                () -> run("--oi-runtime-path=/bin/true", "--oi-env=A=1", "exec", "-p", proc.toString(), "id"));
        assertTrue(e.getMessage().startsWith(proc + ":1:1: "), e.getMessage());
    }

    @Test
    void planEncodingIsWhatTheLauncherParses() {
        ExecPlan p = new ExecPlan("/usr/bin/runc", List.of("runc", "", "a b"));
        List<Byte> expected = new ArrayList<>();
        for (byte b : "JRUNPLAN1\0003\0/usr/bin/runc\0runc\0\0a b\0".getBytes(StandardCharsets.UTF_8)) expected.add(b);
        byte[] got = p.encode();
        byte[] want = new byte[expected.size()];
        for (int i = 0; i < want.length; i++) want[i] = expected.get(i);
        assertArrayEquals(want, got);
        assertFalse(new String(got, StandardCharsets.UTF_8).isEmpty());
        assertThrows(JrunException.class, () -> new ExecPlan("/x", List.of("a\0b")).encode());
    }
}
