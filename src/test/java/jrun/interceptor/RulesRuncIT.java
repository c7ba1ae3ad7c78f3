package jrun.interceptor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import jrun.spec.ConfigTree;
import jrun.spec.Json;
import jrun.testing.Sandbox;

/**
 * bin/oci-interceptor with --oi-rules in front of real runc, on a busybox-static bundle made here
 * with `runc spec`, and runc state under a private --root. Needs root, runc and /bin/busybox.
 */
class RulesRuncIT {
    private static final Path BIN = Path.of(System.getProperty("jrun.home", "."), "bin/oci-interceptor").toAbsolutePath();
    Path tmp, bundle, runcRoot;

    record Result(int status, String out, String err) {}

    @BeforeEach
    void bundle() throws Exception {
        assertEquals("0", run(List.of("id", "-u"), null).out().strip(), "this integration test runs as root");
        tmp = Files.createTempDirectory("rules-it");
        bundle = Files.createDirectories(tmp.resolve("bundle"));
        runcRoot = Files.createDirectories(tmp.resolve("runc-root"));
        Path bin = Files.createDirectories(bundle.resolve("rootfs/bin"));
        Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
        for (String applet : List.of("sh", "cat", "grep", "echo")) Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
        for (String d : List.of("proc", "dev", "sys", "etc", "tmp")) Files.createDirectories(bundle.resolve("rootfs").resolve(d));
        Result spec = run(List.of("runc", "spec", "--bundle", bundle.toString()), null);
        assertEquals(0, spec.status(), spec.err());
        Path config = bundle.resolve("config.json");
        Map<String, Object> root = ConfigTree.object(Json.parse(Files.readString(config)), "");
        Map<String, Object> process = ConfigTree.object(root.get("process"), "process");
        process.put("terminal", Boolean.FALSE);
        process.put("args", new ArrayList<Object>(List.of("sh", "-c", "echo \"env=$RULES_IT\"; grep ' /rules-mnt ' /proc/mounts")));
        root.put("hostname", "rules-it");
        Files.writeString(config, Json.write(root, Json.Style.TWO_SPACES));
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (tmp == null) return;
        try {
            for (String id : List.of("rules-edit", "rules-deny")) run(List.of("runc", "--root", runcRoot.toString(), "delete", "--force", id), null);
        } finally {
            // unmounts everything under tmp (deepest first, failing if any stays), then deletes on this file system only
            Sandbox.removeTree(tmp);
        }
    }

    private static Result run(List<String> argv, Path dir) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        if (dir != null) pb.directory(dir.toFile());
        Path out = Files.createTempFile("it", ".out"), err = Files.createTempFile("it", ".err");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + argv);
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private Path rules(String text) throws IOException {
        return Files.writeString(tmp.resolve("rules.yaml"), text, StandardCharsets.UTF_8);
    }

    @Test
    void editIsVisibleInsideTheContainer() throws Exception {
        Path r = rules("""
                version: 1
                rules:
                  - name: it-edit
                    when: {hostname: rules-it, arg0: sh}
                    edits:
                      - env: {force: {RULES_IT: edited-by-rule}}
                      - mount: {destination: /rules-mnt, set: {type: tmpfs, source: tmpfs, options: [ro, nosuid, size=64k]}}
                """);
        Result res = run(List.of(BIN.toString(), "--oi-no-default-rules", "--oi-rules", r.toString(),
                "--root", runcRoot.toString(), "run", "--bundle", bundle.toString(), "rules-edit"), bundle);
        assertEquals(0, res.status(), res.err());
        assertTrue(res.out().contains("env=edited-by-rule\n"), res.out());
        assertTrue(res.out().matches("(?s).*tmpfs /rules-mnt tmpfs ro,nosuid.*"), res.out());
    }

    @Test
    void denyFailsWithOurMessageAndRuncNeverRuns() throws Exception {
        Path r = rules("""
                version: 1
                rules:
                  - name: no-shells
                    when: {arg0: sh}
                    deny: shells are not allowed on this host
                """);
        Path config = bundle.resolve("config.json");
        byte[] before = Files.readAllBytes(config);
        long mtime = Files.getLastModifiedTime(config).toMillis();
        Path log = tmp.resolve("log.json");
        Result res = run(List.of(BIN.toString(), "--oi-no-default-rules", "--oi-rules", r.toString(),
                "--root", runcRoot.toString(), "--log", log.toString(), "--log-format", "json",
                "create", "--bundle", bundle.toString(), "rules-deny"), bundle);
        assertNotEquals(0, res.status());
        String msg = "shells are not allowed on this host (denied by rule no-shells at " + r + ":3:5)";
        assertEquals("oci-interceptor: " + msg + "\n", res.err());
        String line = Files.readString(log);
        assertTrue(line.startsWith("{\"level\":\"error\",\"msg\":\"" + msg + "\",\"time\":\""), line);
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(config)), "config.json untouched");
        assertEquals(mtime, Files.getLastModifiedTime(config).toMillis());
        Result state = run(List.of("runc", "--root", runcRoot.toString(), "list", "-q"), null);
        assertEquals("", state.out(), "runc never created the container");
    }
}
