package jrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `rules check|apply` and --oi-version through the built launcher: Java answers, nothing is exec'd, the exit status is Java's. */
class RulesLauncherIT {
    private static final Path BIN = Path.of(System.getProperty("jrun.home", "."), "bin/oci-interceptor").toAbsolutePath();

    record Result(int status, String out, String err) {}

    private static Result run(Path dir, String... args) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of(BIN.toString()));
        argv.addAll(List.of(args));
        Path out = dir.resolve("out"), err = dir.resolve("err");
        Process p = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void versionExitsZero(@TempDir Path dir) throws Exception {
        Result r = run(dir, "--oi-version");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("oci-interceptor "), r.out());
        assertEquals("", r.err());
    }

    @Test
    void checkAndApplyExitStatuses(@TempDir Path dir) throws Exception {
        Path good = Files.writeString(dir.resolve("good.yaml"), "version: 1\nrules:\n  - name: no-sh\n    when: {arg0: sh}\n    deny: no shells\n");
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "version: 1\nrules:\n  - name: x\n    when: {arg0: \"(\"}\n    deny: y\n");
        Path config = Files.writeString(dir.resolve("config.json"), "{\"ociVersion\": \"1.0.2\", \"process\": {\"args\": [\"sh\"]}}");
        Result ok = run(dir, "rules", "check", good.toString());
        assertEquals(0, ok.status(), ok.err());
        assertEquals("ok: 1 rule(s) in 1 file(s)\n", ok.out());
        Result fail = run(dir, "rules", "check", bad.toString());
        assertEquals(1, fail.status());
        assertTrue(fail.err().startsWith(bad + ":4:18: arg0: bad regex ("), fail.err());
        Result denied = run(dir, "--oi-no-default-rules", "rules", "apply", "--config", config.toString(), "--rules", good.toString());
        assertEquals(RulesCommand.DENIED, denied.status(), denied.err());
        assertTrue(denied.err().endsWith("denied: no shells (denied by rule no-sh at " + good + ":3:5)\n"), denied.err());
    }
}
