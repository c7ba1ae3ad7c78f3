package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import jrun.testing.Cmd;
import jrun.testing.Home;
import jrun.testing.Sandbox;

/**
 * The C launcher and Java agree on what reaches the runtime. A fake runtime records its argv and
 * pid; passthrough calls are run with JRUN_JAVA=/bin/false, so they pass only if no JVM starts.
 */
class LauncherAgreementIT {
    Sandbox sb;
    Path fake;
    Path record;
    Path bundle;

    @BeforeEach
    void setUp() throws IOException {
        sb = new Sandbox("oi-launcher-it");
        record = sb.dir.resolve("argv");
        fake = Files.writeString(sb.dir.resolve("fake-runtime"),
                "#!/bin/bash\n{ echo \"pid=$$\"; for a in \"$0\" \"$@\"; do echo \"[$a]\"; done; } > " + record + "\nexit 3\n");
        fake.toFile().setExecutable(true);
        bundle = Files.createDirectories(sb.dir.resolve("b"));
        Files.writeString(bundle.resolve("config.json"), "{\"process\":{\"env\":[]}}");
    }

    @AfterEach
    void tearDown() throws IOException {
        sb.close();
    }

    /** Runs the launcher from bash with `exec`, so bash's pid must equal the fake runtime's pid. */
    private List<String> through(List<String> args, boolean javaAllowed) throws IOException {
        StringBuilder script = new StringBuilder("echo \"shell=$$\" > " + record + ".pid; exec " + Home.bin("oci-interceptor"));
        for (String a : args) script.append(" '").append(a.replace("B", bundle.toString())).append("'");
        Map<String, String> env = javaAllowed ? Map.of() : Map.of("JRUN_JAVA", "/bin/false");
        Cmd.Result r = Cmd.run(List.of("bash", "-c", script.toString()), sb.dir, env, 60);
        assertEquals(3, r.exit(), "the runtime's exit status is ours: " + r);
        List<String> lines = Files.readAllLines(record);
        String shellPid = Files.readString(Path.of(record + ".pid")).trim().substring("shell=".length());
        assertEquals("pid=" + shellPid, lines.get(0), "same process: no fork between caller and runtime");
        List<String> argv = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) argv.add(l.substring(1, l.length() - 1));
        return argv;
    }

    @ParameterizedTest(name = "[{0}] -> [{1}], java={2}")
    @CsvSource(delimiter = '|', value = {
        "--oi-runtime-path=F state id                                   | F state id                              | false",
        "--oi-runtime-path F --root /r --log /l --log-format json kill id 9 | F --root /r --log /l --log-format json kill id 9 | false",
        "--runtime-path F --readonly-networking-mounts delete --force id | F delete --force id                    | false",
        "--oi-env A=1 --oi-env-force=B=2 --oi-runtime-path=F start id    | F start id                              | false",
        "--oi-runtime-path=F --oi-rules /nonexistent exec --process /p id | F exec --process /p id                 | false",
        "--oi-runtime-path=F -- --oi-help                               | F --oi-help                             | false",
        "--oi-runtime-path=F --help                                     | F --help                                | false",
        "--oi-runtime-path=F features                                   | F features                              | false",
        "--oi-runtime-path=F                                            | F                                       | false",
        "--oi-runtime-path=F --oi-env=A=1 create --bundle B id          | F create --bundle B id                  | true",
        "--oi-runtime-path=F --root /r run -d -b B --pid-file /p id     | F --root /r run -d -b B --pid-file /p id | true",
        "--oi-runtime-path=F --oi-write-debug-output --oi-debug-output-dir D state id | F state id             | true",
        "--oi-runtime-path=F exec id create                             | F exec id create                        | true",
        "--oi-env=A=1 --oi-runtime-path=F exec -t id sh                 | F exec -t id sh                         | true",
        "--oi-readonly-networking-mounts --oi-runtime-path=F exec -t id sh | F exec -t id sh                      | false",
    })
    void forwardsExactly(String in, String out, boolean needsJava) throws IOException {
        List<String> args = split(in);
        List<String> expected = split(out);
        args.replaceAll(a -> a.replace("F", fake.toString()).replace("D", sb.dir.resolve("debug").toString()));
        expected.replaceAll(a -> a.replace("F", fake.toString()).replace("B", bundle.toString()));
        assertEquals(expected, through(args, needsJava));
        if (!needsJava) assertEquals(expected, through(args, true), "and the same with Java available");
    }

    @ParameterizedTest
    @CsvSource({"--oi-bogus", "--oi-env=NOEQ", "--oi-help"})
    void callsJavaMustAnswerWithoutARuntime(String flag) throws IOException {
        Cmd.Result r = Cmd.run(List.of(Home.bin("oci-interceptor"), flag, "state", "id"), sb.dir, Map.of("JRUN_JAVA", "/bin/false"), 30);
        assertEquals(1, r.exit(), "with Java unavailable the launcher must not guess: " + r);
        assertTrue(!Files.exists(record));
    }

    @org.junit.jupiter.api.Test
    void worksThroughASymlinkFromAnyDirectory() throws IOException {
        Path link = sb.dir.resolve("elsewhere/oi");
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, Path.of(Home.bin("oci-interceptor")));
        Cmd.Result v = Cmd.run(List.of(link.toString(), "--oi-version"), Path.of("/"), Map.of(), 30);
        assertEquals("oci-interceptor " + jrun.Version.VERSION + "\n", v.out(), v.toString());
        Cmd.Result h = Cmd.run(List.of("./oi", "--oi-help"), link.getParent(), Map.of(), 30);
        assertTrue(h.out().startsWith("oci-interceptor - ") && h.out().contains("\nUsage: oci-interceptor [OPTIONS] [--] RUNTIME-ARGS...\n"), h.toString());
        assertTrue(h.out().contains("--oi-readonly-networking-mounts"));
        assertEquals("", h.err());
    }

    private static List<String> split(String s) {
        return new ArrayList<>(Arrays.asList(s.trim().split("\\s+")));
    }
}
