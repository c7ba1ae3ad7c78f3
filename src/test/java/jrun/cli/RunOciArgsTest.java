package jrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import jrun.JrunException;

/** run_oci's command line as a table: every placement of options, "--", bad ids, bad options. */
class RunOciArgsTest {
    static RunOciArgs parse(String line) {
        return RunOciArgs.parse(line.isEmpty() ? List.of() : Arrays.asList(line.split(" ")));
    }

    /** A line, then what it must give: command, id, container path, signal, extra args (joined by ','). */
    static Stream<Arguments> good() {
        return Stream.of(
                Arguments.of("start c1", "start", "c1", null, 15, ""),
                Arguments.of("-c /b start c1", "start", "c1", "/b", 15, ""),
                Arguments.of("start -c /b c1", "start", "c1", "/b", 15, ""),
                Arguments.of("start c1 -c /b", "start", "c1", "/b", 15, ""),
                Arguments.of("--container_path=/b start c1", "start", "c1", "/b", 15, ""),
                Arguments.of("--container_path /b start c1", "start", "c1", "/b", 15, ""),
                Arguments.of("-c/b start c1", "start", "c1", "/b", 15, ""),
                Arguments.of("--log_tag=arc -c /b start c1", "start", "c1", "/b", 15, ""),
                Arguments.of("--cont=/b start c1", "start", "c1", "/b", 15, ""), // unique prefix, as getopt_long
                Arguments.of("--signal=KILL kill c1", "kill", "c1", null, 9, ""),
                Arguments.of("kill --signal=KILL c1", "kill", "c1", null, 9, ""),
                Arguments.of("kill c1 --signal KILL", "kill", "c1", null, 9, ""),
                Arguments.of("-S SIGKILL kill c1", "kill", "c1", null, 9, ""),
                Arguments.of("-SKILL kill c1", "kill", "c1", null, 9, ""),
                Arguments.of("-S 9 kill c1", "kill", "c1", null, 9, ""),
                Arguments.of("-S hup kill c1", "kill", "c1", null, 1, ""),
                Arguments.of("kill c1", "kill", "c1", null, 15, ""),
                Arguments.of("destroy c1", "destroy", "c1", null, 15, ""),
                Arguments.of("run c1 -- echo hi", "run", "c1", null, 15, "echo,hi"),
                Arguments.of("run c1 -- -c /b", "run", "c1", null, 15, "-c,/b"), // options after -- are arguments
                Arguments.of("run -c /b c1 -- --signal=KILL", "run", "c1", "/b", 15, "--signal=KILL"),
                Arguments.of("run c1 a b", "run", "c1", null, 15, "a,b"), // getopt permutes bare words
                Arguments.of("run c1 a -c /b b", "run", "c1", "/b", 15, "a,b"),
                Arguments.of("run c1 a -- b", "run", "c1", null, 15, "a,b")        );
    }

    @ParameterizedTest
    @MethodSource("good")
    void parses(String line, String command, String id, String path, int signal, String extra) {
        RunOciArgs a = parse(line);
        assertEquals(command, a.command());
        assertEquals(id, a.id());
        assertEquals(path, a.containerPath());
        assertEquals(signal, a.signal());
        assertEquals(extra, String.join(",", a.extraArgs()));
    }

    @Test
    void everyOption() {
        RunOciArgs a = parse("-u -b /a:/x --bind_mount=/c:/y -p arc -l /tmp/l --log_tag=t --sigstop_when_ready run c1");
        assertTrue(a.useCurrentUser());
        assertEquals(2, a.bindMounts().size());
        assertEquals("/a", a.bindMounts().get(0)[0]);
        assertEquals("/x", a.bindMounts().get(0)[1]);
        assertEquals("/y", a.bindMounts().get(1)[1]);
        assertEquals("arc", a.cgroupParent());
        assertEquals("/tmp/l", a.logDir());
        assertEquals("t", a.logTag());
        assertTrue(a.sigstopWhenReady());
        RunOciArgs b = parse("-us -pp -t tag start c1"); // clustered flags, a value glued to its letter
        assertTrue(b.useCurrentUser());
        assertTrue(b.sigstopWhenReady());
        assertEquals("p", b.cgroupParent());
        assertEquals("tag", b.logTag());
        RunOciArgs c = parse("start c1");
        assertFalse(c.useCurrentUser());
        assertFalse(c.sigstopWhenReady());
        assertEquals("", c.cgroupParent());
    }

    @Test
    void helpAnywhere() {
        for (String l : List.of("-h", "--help", "start c1 -h", "--he", "bogus -h"))
            assertTrue(parse(l).help(), l);
    }

    /** A bad line, then a piece of the one-line error it must give (exit status 2). */
    static Stream<Arguments> bad() {
        return Stream.of(
                Arguments.of("", "command is required"),
                Arguments.of("-- run c1", "command is required"), // after "--" everything is an extra argument
                Arguments.of("start", "start: a container id is required"),
                Arguments.of("create c1", "unknown command \"create\""),
                Arguments.of("delete c1", "unknown command \"delete\""),
                Arguments.of("start a/b", "may not contain '/'"),
                Arguments.of("start /etc", "may not contain '/'"),
                Arguments.of("start ..", "invalid container id"),
                Arguments.of("start .", "invalid container id"),
                Arguments.of("start a:b", "only letters, digits"),
                Arguments.of("--bogus start c1", "unknown option --bogus"),
                Arguments.of("start c1 -x", "unknown option -x"),
                Arguments.of("-i start c1", "unknown option -i"), // the original's help named it; it never existed
                Arguments.of("--dont_run_as_init start c1", "unknown option --dont_run_as_init"),
                Arguments.of("--s start c1", "ambiguous"),
                Arguments.of("-c", "option -c (--container_path) needs a value"),
                Arguments.of("start c1 --signal", "option --signal needs a value"),
                Arguments.of("--use_current_user=yes start c1", "takes no value"),
                Arguments.of("-S BOGUS kill c1", "--signal: invalid signal \"BOGUS\""),
                Arguments.of("-S 99 kill c1", "--signal: invalid signal \"99\""),
                Arguments.of("-b /a start c1", "--bind_mount: expected SRC:DST"),
                Arguments.of("-b /a: start c1", "--bind_mount: expected SRC:DST"),
                Arguments.of("-b :/x start c1", "--bind_mount: expected SRC:DST"),
                Arguments.of("-b /a:rel start c1", "must be absolute"),
                Arguments.of("--container_path= start c1", "--container_path: empty value"),
                Arguments.of("kill c1 extra", "kill: unexpected arguments after the id: extra"),
                Arguments.of("destroy c1 -- x", "destroy: unexpected arguments"));
    }

    @ParameterizedTest
    @MethodSource("bad")
    void refuses(String line, String message) {
        JrunException e = assertThrows(JrunException.class, () -> parse(line));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertEquals(2, e.exitCode());
        assertFalse(e.getMessage().contains("\n"));
    }

    /** The help names exactly the commands and options that exist (the original's named -i and "delete"). */
    @Test
    void helpIsAccurate() {
        String h = Help.page(null, RunOciArgs.SPEC, null);
        for (String o : List.of("--container_path, -c", "--bind_mount, -b", "--cgroup_parent, -p", "--use_current_user, -u",
                "--signal, -S", "--log_dir, -l", "--log_tag, -t", "--sigstop_when_ready, -s", "--help, -h"))
            assertTrue(h.contains(o), o);
        for (String c : RunOciArgs.COMMANDS) assertTrue(h.contains("\n  " + c + " "), c);
        assertFalse(h.contains("dont_run_as_init"));
        assertFalse(h.contains("delete"));
        // every option the help lists parses
        for (String o : List.of("-c /b", "-b /a:/b", "-p x", "-u", "-S KILL", "-l /tmp/x", "-t x", "-s"))
            parse(o + " start c1");
    }
}
