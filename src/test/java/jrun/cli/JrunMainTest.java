package jrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import jrun.spec.Json;
import jrun.spec.Spec;

/** The command line without containers: flags, usage errors, and the commands that need no root. */
class JrunMainTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final jrun.testing.StdioCapture io = new jrun.testing.StdioCapture();
    private final ByteArrayOutputStream out = io.out, err = io.err;

    private int run(String... args) {
        return JrunMain.run(List.of(args));
    }

    @Test
    void version() {
        assertEquals(0, run("--version"));
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertTrue(lines[0].startsWith("jrun version "), lines[0]);
        assertTrue(lines[1].matches("commit: ([0-9a-f]{40}|unknown)"), "runc's commit line (Docker shows it): " + lines[1]);
        assertTrue(lines[2].startsWith("spec: 1."), lines[2]);
    }

    @Test
    void usageErrorsExitTwoWithOneLine() {
        assertEquals(2, run("--root"));
        assertEquals(2, run("frobnicate"));
        assertEquals(2, run("--root", dir.toString(), "kill", "a", "NOPE"));
        assertEquals(2, run("--root", dir.toString(), "state", "../escape"));
        assertEquals(2, run("create", "--bogus", "x"));
        assertEquals(2, run("--log-format", "xml", "list"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("jrun: unknown command \"frobnicate\""));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    /** Found by FuzzTest (src/test/resources/fuzz-corpus/cli): one line, whatever the input quoted; no internal error. */
    @Test
    void anErrorIsOneLineAndADurationOfTwentyDigitsIsAUsageError() {
        assertEquals(2, run("--root", dir.toString(), "list", "-f", "a\nb"));
        assertEquals("jrun: list: --format must be table or json, got \"a\\nb\"\n", err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(2, run("--root", dir.toString(), "events", "--interval=99999999999999999999", "c1"));
        assertEquals("jrun: --interval: too long a duration: \"99999999999999999999\"\n", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void missingContainerSaysDoesNotExistAndLogsJson() throws Exception {
        Path log = dir.resolve("log.json");
        assertEquals(1, run("--root", dir.toString(), "--log", log.toString(), "--log-format", "json", "state", "nope"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("container nope does not exist"));
        Object line = Json.parse(Files.readString(log).strip());
        assertEquals("error", ((java.util.Map<?, ?>) line).get("level"));
        assertEquals("container nope does not exist", ((java.util.Map<?, ?>) line).get("msg"));
        assertEquals(1, run("--root", dir.toString(), "kill", "nope", "KILL"));
        assertEquals(1, run("--root", dir.toString(), "delete", "nope"));
        assertEquals(1, run("--root", dir.toString(), "start", "nope"));
    }

    @Test
    void systemdCgroupIsAClearError() {
        assertEquals(1, run("--systemd-cgroup", "list"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--systemd-cgroup: jrun has no systemd cgroup driver"));
    }

    @Test
    void listOfAnEmptyRoot() {
        assertEquals(0, run("--root", dir.resolve("none").toString(), "list"));
        assertEquals("ID          PID         STATUS      BUNDLE      CREATED     OWNER\n", out.toString(StandardCharsets.UTF_8));
        out.reset();
        assertEquals(0, run("--root", dir.toString(), "list", "--format", "json"));
        assertEquals("[]\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void specWritesAValidConfigOnce() {
        assertEquals(0, run("spec", "--bundle", dir.toString()));
        Spec s = Spec.read(dir);
        assertEquals(List.of("sh"), s.process().args());
        assertEquals(1, run("spec", "--bundle", dir.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("exists"));
        Path r = dir.resolve("rootless");
        assertEquals(1, run("spec", "--rootless", "-b", r.toString()), "no such bundle directory");
        r.toFile().mkdir();
        assertEquals(0, run("spec", "--rootless", "-b", r.toString()));
        Spec rs = Spec.read(r);
        assertEquals(1, rs.linux().uidMappings().size());
    }

    @Test
    void featuresIsJsonAndTruthful() {
        assertEquals(0, run("features"));
        Object f = Json.parse(out.toString(StandardCharsets.UTF_8));
        java.util.Map<?, ?> linux = (java.util.Map<?, ?>) ((java.util.Map<?, ?>) f).get("linux");
        java.util.Map<?, ?> sec = (java.util.Map<?, ?>) linux.get("seccomp");
        assertEquals(Boolean.TRUE, sec.get("enabled"));
        assertTrue(((List<?>) sec.get("actions")).contains("SCMP_ACT_ERRNO"));
        assertTrue(((List<?>) sec.get("actions")).contains("SCMP_ACT_NOTIFY"), "notify with a listener is supported");
        assertTrue(((List<?>) sec.get("archs")).contains("SCMP_ARCH_X86_64"));
        assertTrue(((List<?>) linux.get("capabilities")).contains("CAP_SYS_ADMIN"));
        assertTrue(((List<?>) ((java.util.Map<?, ?>) f).get("hooks")).contains("prechroot"));
    }
}
