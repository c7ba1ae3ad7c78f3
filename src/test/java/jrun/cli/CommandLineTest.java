package jrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import jrun.JrunException;
import jrun.interceptor.InterceptorArgs;

/**
 * runc's command line without containers: help for every command from its one description, which
 * the parser, the help, the man pages and the bash completion all read; runc's spellings (one or
 * two dashes, --cpu-share, --rootless VALUE); checkpoint/restore and --criu refused by name.
 */
class CommandLineTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final jrun.testing.StdioCapture io = new jrun.testing.StdioCapture();
    private final ByteArrayOutputStream out = io.out, err = io.err;

    private int run(String... args) {
        return JrunMain.run(List.of(args));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    static Stream<String> commands() {
        return Stream.of(JrunMain.COMMANDS);
    }

    /** Every spelling of every flag of a description, with its value's name: "--bundle, -b DIR". */
    static List<String> flagLines(String[] spec) {
        List<String> l = new ArrayList<>();
        for (int i = Args.HEAD; i < spec.length; i += 3) l.add(Help.flagNames(spec, i));
        return l;
    }

    @ParameterizedTest
    @MethodSource("commands")
    void everyCommandsHelpExitsZeroAndListsEachFlag(String name) {
        String[] spec = JrunMain.command(name).spec();
        for (String flag : List.of("--help", "-h", "-help")) {
            out.reset();
            err.reset();
            assertEquals(0, run(name, flag), name + " " + flag + ": " + err());
            assertEquals("", err(), name + " " + flag);
            String help = out();
            assertTrue(help.startsWith("jrun " + name + " - " + spec[2] + "\n\nUsage: jrun " + name), help);
            for (String f : flagLines(spec))
                assertTrue(help.contains("\n  " + f + " ") || help.contains("\n  " + f + "\n"), name + " --help lists " + f + ":\n" + help);
            out.reset();
            assertEquals(0, run("help", name));
            assertEquals(help, out(), "jrun help " + name + " is " + name + " --help");
        }
        // with global flags before the command, and an argument after
        out.reset();
        assertEquals(0, run("--root", dir.toString(), name, "--help", "x"));
        assertTrue(out().startsWith("jrun " + name + " - "), out());
    }

    @Test
    void noArgumentsHelpAndHelpFlagPrintTheProgramsHelp() {
        assertEquals(0, run());
        String help = out();
        assertEquals("", err());
        for (String c : JrunMain.COMMANDS) assertTrue(help.contains("\n  " + c + " "), c);
        for (String f : flagLines(JrunMain.SPEC)) assertTrue(help.contains("  " + f), f);
        for (String[] a : List.of(new String[] {"help"}, new String[] {"--help"}, new String[] {"-h"}, new String[] {"h"},
                new String[] {"--root", dir.toString()})) {
            out.reset();
            assertEquals(0, run(a), List.of(a).toString());
            assertEquals(help, out(), List.of(a).toString());
        }
        out.reset();
        assertEquals(0, run("help", "help"));
        assertTrue(out().startsWith("jrun help - "), out());
        assertEquals(2, run("help", "frobnicate"));
        assertTrue(err().contains("jrun: help: unknown command \"frobnicate\""), err());
    }

    /** The parser reads the same table: each spelling it lists parses, a flag it does not list is refused. */
    @ParameterizedTest
    @MethodSource("commands")
    void theParserReadsTheSameDescription(String name) {
        String[] spec = JrunMain.command(name).spec();
        for (int i = Args.HEAD; i < spec.length; i += 3) {
            for (String spelling : spec[i].split(" ")) {
                List<String> seen = new ArrayList<>();
                List<String> in = Args.takesValue(spec, i) ? List.of(spelling, "v", "ID") : List.of(spelling, "ID");
                List<String> pos = Args.parse(spec, in, (n, v) -> seen.add(n + "=" + v));
                assertEquals(List.of(Args.canonical(spec, i) + "=" + (Args.takesValue(spec, i) ? "v" : "true")), seen, spelling);
                assertEquals(List.of("ID"), pos);
            }
        }
        JrunException e = assertThrows(JrunException.class, () -> Args.parse(spec, List.of("--no-such-flag", "ID"), (n, v) -> { }));
        assertEquals(2, e.exitCode());
        assertEquals(name + ": unknown flag --no-such-flag", e.getMessage());
    }

    @Test
    void helpManPagesAndCompletionComeFromTheSameTable() {
        Map<String, String> pages = ManPages.pages();
        String completion = ManPages.completions().get("jrun");
        for (String name : JrunMain.COMMANDS) {
            String[] spec = JrunMain.command(name).spec();
            String page = pages.get("jrun-" + name + ".8");
            assertNotNull(page, name);
            assertTrue(page.contains(".SH NAME\njrun\\-" + ManPages.esc(name) + " \\- " + ManPages.esc(spec[2]) + "\n"), page);
            assertTrue(pages.get("jrun.8").contains(".TP\n.B " + ManPages.esc(name) + "\n" + ManPages.esc(spec[2])), name);
            assertTrue(completion.contains("\n        " + name + ")\n"), name);
            for (int i = Args.HEAD; i < spec.length; i += 3) {
                for (String spelling : spec[i].split(" ")) {
                    assertTrue(page.contains("\\fB" + ManPages.esc(spelling) + "\\fR"), name + " man page lists " + spelling);
                    assertTrue(completion.contains(" " + spelling + " ") || completion.contains("\"" + spelling + " ")
                            || completion.contains(" " + spelling + "\""), name + " completion offers " + spelling);
                }
                assertTrue(page.contains(ManPages.esc(spec[i + 2])), spec[i + 2]);
            }
        }
        for (String[] spec : List.of(JrunMain.SPEC, InterceptorArgs.SPEC, RunOciArgs.SPEC)) {
            String page = pages.get(spec[0] + ".8");
            assertNotNull(page, spec[0]);
            for (int i = Args.HEAD; i < spec.length; i += 3)
                for (String spelling : spec[i].split(" ")) assertTrue(page.contains("\\fB" + ManPages.esc(spelling) + "\\fR"), spec[0] + " " + spelling);
            String help = Help.page(null, spec, null);
            for (String f : flagLines(spec)) assertTrue(help.contains(f), spec[0] + " help lists " + f);
        }
        assertTrue(ManPages.completions().get("oci-interceptor").contains("--oi-runtime-path"));
        assertTrue(ManPages.completions().get("run_oci").contains("--container_path"));
    }

    @Test
    void commandsAndTheirDescriptionsAgree() {
        for (String name : JrunMain.COMMANDS) assertEquals(name, JrunMain.command(name).spec()[0]);
        assertNull(JrunMain.command("help"), "help is JrunMain's own");
        assertNull(JrunMain.command("frobnicate"));
    }

    @Test
    void oneDashOrTwoAsGosFlagPackage() {
        assertEquals(0, run("-root", dir.resolve("none").toString(), "list", "-format", "json"));
        assertEquals("[]\n", out());
        out.reset();
        assertEquals(0, run("--root=" + dir.resolve("none"), "-log-format=json", "list", "--f", "json", "-quiet"));
        assertEquals("", out());
        List<String> seen = new ArrayList<>();
        Args.parse(CreateCommand.SPEC, List.of("-bundle", "/b", "--b=/c", "-pid-file", "p", "-no-pivot", "--no-new-keyring=false", "id"),
                (n, v) -> seen.add(n + "=" + v));
        assertEquals(List.of("--bundle=/b", "--bundle=/c", "--pid-file=p", "--no-pivot=true", "--no-new-keyring=false"), seen);
    }

    @Test
    void cpuShareAsRuncSpellsItAndAsJrunDid() {
        for (String spelling : List.of("--cpu-share", "--cpu-shares", "-cpu-share")) {
            List<String> seen = new ArrayList<>();
            Args.parse(UpdateCommand.SPEC, List.of(spelling, "512", "id"), (n, v) -> seen.add(n + "=" + v));
            assertEquals(List.of("--cpu-share=512"), seen, spelling);
        }
    }

    @Test
    void rootlessTakesAValueAsRunc() {
        assertEquals(0, run("--rootless", "false", "--root", dir.toString(), "list", "-q"));
        assertEquals(0, run("--rootless=auto", "--root", dir.toString(), "list", "-q"));
        assertEquals(0, run("--rootless", "true", "--root", dir.toString(), "list", "-q"));
        assertEquals(2, run("--rootless", "list"));
        assertEquals("jrun: --rootless: expected true, false or auto, got \"list\"\n", err());
    }

    @Test
    void checkpointRestoreAndCriuAreRefusedByName() {
        for (String c : List.of("checkpoint", "restore")) {
            err.reset();
            assertEquals(1, run("--root", dir.toString(), c, "--image-path", "/x", "id"), c);
            assertEquals("jrun: " + c + ": not supported: jrun has no checkpoint/restore (CRIU) support\n", err());
            assertFalse(err().contains("unknown command"));
        }
        err.reset();
        assertEquals(1, run("--criu", "/usr/sbin/criu", "--root", dir.toString(), "list"));
        assertEquals("jrun: --criu: jrun has no checkpoint/restore (CRIU) support\n", err());
        assertEquals("", out(), "nothing listed: --criu is not silently accepted");
    }

    @Test
    void runTakesKeepAndNoSubreaper() {
        Path missing = dir.resolve("missing");
        assertEquals(1, run("--root", dir.toString(), "run", "--keep", "--no-subreaper", "--bundle", missing.toString(), "k1"));
        assertTrue(err().contains("bundle " + missing + " does not exist"), err());
        err.reset();
        assertEquals(2, run("--root", dir.toString(), "create", "--keep", "--bundle", missing.toString(), "k1"));
        assertEquals("jrun: create: unknown flag --keep\n", err(), "--keep is run's own");
    }

    @Test
    void execFlagsEndAtTheId() {
        List<String> seen = new ArrayList<>();
        List<String> pos = Args.parse(ExecCommand.SPEC, List.of("-t", "--env", "A=1", "-u=0:0", "id", "sh", "-c", "--help"),
                (n, v) -> seen.add(n + "=" + v), true);
        assertEquals(List.of("--tty=true", "--env=A=1", "--user=0:0"), seen);
        assertEquals(List.of("id", "sh", "-c", "--help"), pos, "--help after the id is the command's");
    }
}
