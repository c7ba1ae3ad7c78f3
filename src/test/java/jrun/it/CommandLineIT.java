package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jrun.spec.Json;
import jrun.testing.Sandbox;

/**
 * runc's command line through the real bin/jrun, beside runc 1.1.5: help for every command, the
 * commit in --version, exec -t relaying the pty, run --keep, refused checkpoint and --criu,
 * --debug's log, one-dash flags, update --cpu-share; and that create, start, state and exec
 * load none of the help's classes.
 */
class CommandLineIT extends WithSandbox {
    static final String[] COMMANDS = {"checkpoint", "create", "delete", "events", "exec", "features", "kill", "list", "pause", "ps",
        "restore", "resume", "run", "spec", "start", "state", "update"};

    Sandbox.Result jrunBare(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Sandbox.JRUN.toString()));
        cmd.addAll(List.of(args));
        return Sandbox.exec(cmd, sb.dir);
    }

    Path sleeper() throws Exception {
        return sb.bundle("sleeper", c -> Sandbox.args(c, "sleep", "1000"));
    }

    @Test
    void everyCommandsHelpAsRunc() {
        for (String c : COMMANDS) {
            for (String flag : List.of("--help", "-h")) {
                Sandbox.Result r = jrunBare(c, flag);
                assertEquals(0, r.status(), c + " " + flag + ": " + r);
                assertTrue(r.out().startsWith("jrun " + c + " - ") && r.out().contains("\nUsage: jrun " + c), c + ": " + r.out());
                assertEquals("", r.err(), c);
            }
            assertEquals(0, Sandbox.exec(List.of("runc", c, "--help"), sb.dir).status(), "runc " + c + " --help: the same status");
        }
        Sandbox.Result none = jrunBare();
        assertEquals(0, none.status());
        assertEquals(none.out(), jrunBare("help").out());
        for (String c : COMMANDS) assertTrue(none.out().contains("\n  " + c + " "), c);
        assertEquals(jrunBare("create", "--help").out(), jrunBare("help", "create").out());
    }

    /** runc prints "commit: ..." and Docker shows it in `docker info`: the git commit jrun was built from. */
    @Test
    void versionNamesTheCommit() {
        Sandbox.Result v = jrunBare("--version").ok();
        List<String> lines = v.out().lines().toList();
        assertTrue(lines.get(0).startsWith("jrun version "), v.out());
        Sandbox.Result top = Sandbox.exec(List.of("git", "-C", Sandbox.HOME.toString(), "rev-parse", "--show-toplevel"), null);
        String expected = "unknown";
        if (top.status() == 0 && Path.of(top.out().strip()).equals(Sandbox.HOME))
            expected = Sandbox.exec(List.of("git", "-C", Sandbox.HOME.toString(), "rev-parse", "HEAD"), null).ok().out().strip();
        assertEquals("commit: " + expected, lines.get(1));
        assertTrue(lines.get(2).startsWith("spec: 1."), v.out());
        Sandbox.Result runc = Sandbox.exec(List.of("runc", "--version"), null).ok();
        assertTrue(runc.out().lines().toList().get(1).startsWith("commit: "), "the line as runc has it: " + runc.out());
    }

    /** `docker info` shows the default runtime's "commit:" line as its "runc version" (blank before). */
    @Test
    void dockerInfoShowsTheCommit() throws Exception {
        String commit = jrunBare("--version").ok().out().lines().filter(l -> l.startsWith("commit: ")).findFirst().orElseThrow().substring(8);
        try (jrun.testing.DockerDaemon d = new jrun.testing.DockerDaemon(Files.createDirectories(sb.dir.resolve("docker")),
                "{\"default-runtime\": \"jrun\", \"runtimes\": {\"jrun\": {\"path\": \"" + Sandbox.JRUN + "\"}}}")) {
            assertEquals(commit + "\n", d.dockerOk("info", "--format", "{{.RuncCommit.ID}}").out());
        }
    }

    /** Runs RT `exec -t ID sh -c SCRIPT` under script(1), stdin from a file; returns {status, stdout, stderr}. */
    List<String> execUnderTerminal(String rt, String id, String script) throws Exception {
        Path d = Files.createDirectories(sb.dir.resolve(rt + "-exec-tty"));
        Files.writeString(d.resolve("in"), "abc\n");
        String cmd = (rt.equals("jrun") ? Sandbox.JRUN + " --root " + sb.jrunRoot : "runc --root " + sb.runcRoot)
                + " exec -t " + id + " sh -c '" + script + "'";
        String line = "cd " + d + "; stty rows 33 cols 99; " + cmd + " < in > out 2> err; echo $? > rc";
        Sandbox.Result r = Sandbox.exec(List.of("script", "-qec", line, "/dev/null"), null);
        assertEquals(0, r.status(), r.toString());
        return List.of(Files.readString(d.resolve("rc")).strip(), Files.readString(d.resolve("out")), Files.readString(d.resolve("err")));
    }

    @Test
    void execTtyWithoutConsoleSocketRelaysThePtyAsRunc() throws Exception {
        Path b = sleeper();
        sb.jrun("run", "-d", "--bundle", b.toString(), "e1").ok();
        sb.runc("run", "-d", "--bundle", b.toString(), "e1").ok();
        String script = "tty; stty size; read x; echo got-$x; exit 4";
        List<String> jrun = execUnderTerminal("jrun", "e1", script), runc = execUnderTerminal("runc", "e1", script);
        assertEquals("4", runc.get(0), "runc: " + runc);
        assertEquals("4", jrun.get(0), "jrun: " + jrun);
        assertEquals("", jrun.get(2));
        assertEquals(runc.get(1).lines().sorted().toList(), jrun.get(1).lines().sorted().toList(), "the same output as runc's");
        // the input's echo may come anywhere: by lines
        List<String> lines = jrun.get(1).lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.matches("/dev/pts/\\d+")) && lines.contains("33 99") && lines.contains("got-abc"),
                "a pty of the host terminal's size, and stdin: " + jrun.get(1));
        // without any terminal (pipes, no controlling tty): the relay still copies
        Sandbox.Result piped = Sandbox.exec(List.of("setsid", "-w", Sandbox.JRUN.toString(), "--root", sb.jrunRoot.toString(),
                "exec", "-t", "e1", "sh", "-c", "tty; echo hi; exit 3"), null);
        assertEquals(3, piped.status(), piped.toString());
        assertTrue(piped.out().matches("/dev/pts/\\d+\nhi\n"), piped.out());
        // detached, a pty needs a console socket (runc's refusal, jrun's name)
        Sandbox.Result detached = sb.jrun("exec", "-d", "-t", "e1", "true");
        assertEquals(1, detached.status());
        assertEquals("jrun: cannot allocate tty if jrun will detach without setting console socket\n", detached.err());
        assertTrue(sb.runc("exec", "-d", "-t", "e1", "true").err().contains("cannot allocate tty if runc will detach without setting console socket"));
        try (var files = Files.list(sb.jrunRoot.resolve("e1"))) {
            assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sock") || n.endsWith(".tmp")).toList(),
                    "the relay's socket is removed");
        }
        assertFalse(Sandbox.exec(List.of("pgrep", "-f", "jrun-ttyrelay " + sb.jrunRoot), null).status() == 0, "no relay left");
    }

    @Test
    void runKeepLeavesAStoppedContainerForDelete() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sh", "-c", "exit 5"));
        for (String rt : List.of("runc", "jrun")) {
            Sandbox.Result r = rt.equals("jrun") ? sb.jrun("run", "--keep", "--no-subreaper", "--bundle", b.toString(), "k1")
                    : sb.runc("run", "--keep", "--no-subreaper", "--bundle", b.toString(), "k1");
            assertEquals(5, r.status(), rt + ": " + r);
            Sandbox.Result state = rt.equals("jrun") ? sb.jrun("state", "k1") : sb.runc("state", "k1");
            assertEquals("stopped", ((Map<?, ?>) Json.parse(state.ok().out())).get("status"), rt);
            if (rt.equals("jrun")) {
                List<String> cgroups = sb.cgroupDirs("k1");
                assertFalse(cgroups.isEmpty());
                for (String d : cgroups) assertTrue(Files.isDirectory(Path.of(d)), "kept until delete: " + d);
                sb.jrun("delete", "k1").ok();
                for (String d : cgroups) assertFalse(Files.exists(Path.of(d)), "removed by delete: " + d);
                assertTrue(sb.jrun("state", "k1").err().contains("does not exist"));
            } else {
                sb.runc("delete", "k1").ok();
            }
        }
        // without --keep the container is gone when run returns
        assertEquals(5, sb.jrun("run", "--bundle", b.toString(), "k2").status());
        assertFalse(Files.exists(sb.jrunRoot.resolve("k2")));
    }

    @Test
    void checkpointRestoreAndCriuSayNotSupported() {
        for (String c : List.of("checkpoint", "restore")) {
            Sandbox.Result r = sb.jrun(c, "--image-path", sb.dir.resolve("img").toString(), "x");
            assertEquals(1, r.status(), c);
            assertEquals("jrun: " + c + ": not supported: jrun has no checkpoint/restore (CRIU) support\n", r.err());
            assertEquals("", r.out());
        }
        Sandbox.Result criu = sb.jrun("--criu", "/usr/sbin/criu", "list");
        assertEquals(1, criu.status());
        assertEquals("jrun: --criu: jrun has no checkpoint/restore (CRIU) support\n", criu.err());
    }

    @Test
    void debugLogsEachStepAlsoOnSuccess() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "true"));
        Path log = sb.dir.resolve("log.json");
        Sandbox.Result r = sb.jrun("--debug", "--log", log.toString(), "--log-format", "json", "run", "--bundle", b.toString(), "d1");
        assertEquals(0, r.status(), r.toString());
        assertEquals("", r.err(), "with --log the debug lines go there");
        List<String> msgs = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            Map<?, ?> m = (Map<?, ?>) Json.parse(line);
            assertEquals("debug", m.get("level"), line);
            assertTrue(m.get("time") instanceof String, line);
            msgs.add((String) m.get("msg"));
        }
        String all = String.join("\n", msgs);
        for (String want : List.of("create d1: bundle " + b, "create d1: a plan of ", ": PIVOT (root.path)", ": EXEC (process.args)",
                "create d1: the init is pid ", "start d1: pid ", "run d1: the process exited with status 0", "run: exit status 0"))
            assertTrue(all.contains(want), "logs \"" + want + "\":\n" + all);
        // without --log: runc's text lines on stderr
        Sandbox.Result text = sb.jrun("--debug", "run", "--bundle", b.toString(), "d2");
        assertEquals(0, text.status());
        assertTrue(text.err().contains("level=debug msg=\"create d2: a plan of "), text.err());
        for (String line : text.err().lines().toList()) assertTrue(line.matches("time=\"[^\"]+\" level=debug msg=\".*\""), line);
        // and nothing without --debug
        assertEquals("", sb.jrun("run", "--bundle", b.toString(), "d3").err());
    }

    @Test
    void oneDashFlagsAndCpuShareAsRunc() throws Exception {
        for (String rt : List.of("jrun", "runc")) {
            Sandbox.Result r = Sandbox.exec(List.of(rt.equals("jrun") ? Sandbox.JRUN.toString() : "runc", "-root",
                    (rt.equals("jrun") ? sb.jrunRoot : sb.runcRoot).toString(), "list", "-format", "json"), null);
            assertEquals(0, r.status(), rt + ": " + r);
        }
        Path b = sleeper();
        sb.jrun("-root", sb.jrunRoot.toString(), "run", "-d", "-bundle", b.toString(), "u1").ok();
        sb.runc("run", "-d", "-bundle", b.toString(), "u1").ok();
        for (String rt : List.of("jrun", "runc")) {
            (rt.equals("jrun") ? sb.jrun("update", "--cpu-share", "512", "u1") : sb.runc("update", "--cpu-share", "512", "u1")).ok();
            Map<?, ?> st = (Map<?, ?>) Json.parse((rt.equals("jrun") ? sb.jrun("state", "u1") : sb.runc("state", "u1")).ok().out());
            assertEquals("512", ExecAndManageIT.cgroupFile(Long.parseLong(st.get("pid").toString()), "cpu", "cpu.shares"), rt);
        }
        sb.jrun("update", "--cpu-shares", "256", "u1").ok();
        Map<?, ?> st = (Map<?, ?>) Json.parse(sb.jrun("state", "u1").ok().out());
        assertEquals("256", ExecAndManageIT.cgroupFile(Long.parseLong(st.get("pid").toString()), "cpu", "cpu.shares"), "jrun's old spelling too");
        // the space form of --rootless, as runc takes it (rootless mode itself: RootlessIT)
        for (String v : List.of("true", "false")) {
            sb.jrun("--rootless", v, "list").ok();
            sb.runc("--rootless", v, "list").ok();
        }
    }

    /** The help's classes stay off the hot path: create, start, state, exec and delete load none of them. */
    @Test
    void theHotPathLoadsNoHelpClasses() throws Exception {
        // JRUN_JAVA is honoured only for a file in root's own directories (no /tmp): a private one under /run
        Path wdir = Files.createTempDirectory(Path.of("/run"), "jrun-it-java-");
        Path wrapper = wdir.resolve("java-classlog");
        try {
            Files.writeString(wrapper, "#!/bin/bash\na=()\nfor x in \"$@\"; do a+=(\"$x\"); [ \"$x\" = -Xlog:disable ] && a+=(\"-Xlog:class+load=info:file=$CLASSLOG\"); done\n"
                    + "exec " + Sandbox.HOME.resolve("lib/jrun/java") + " \"${a[@]}\"\n");
            assertTrue(wrapper.toFile().setExecutable(true));
            Path b = sleeper();
            List<List<String>> calls = List.of(List.of("create", "--bundle", b.toString(), "h1"), List.of("start", "h1"), List.of("state", "h1"),
                    List.of("exec", "h1", "true"), List.of("delete", "--force", "h1"), List.of("create", "--help"));
            List<String> logs = new ArrayList<>();
            for (int i = 0; i < calls.size(); i++) {
                Path f = sb.dir.resolve("classes-" + i + ".txt");
                List<String> cmd = new ArrayList<>(List.of(Sandbox.JRUN.toString(), "--root", sb.jrunRoot.toString()));
                cmd.addAll(calls.get(i));
                Sandbox.Result r = Sandbox.exec(cmd, null, Map.of("JRUN_JAVA", wrapper.toString(), "CLASSLOG", f.toString()));
                assertEquals(0, r.status(), calls.get(i) + ": " + r);
                logs.add(Files.readString(f));
            }
            for (int i = 0; i < calls.size() - 1; i++) {
                for (String c : List.of("jrun.cli.Help ", "jrun.cli.ManPages ", "jrun.Version "))
                    assertFalse(logs.get(i).contains(c), calls.get(i) + " loads " + c);
                assertTrue(logs.get(i).contains("jrun.cli.JrunMain "), "the log is there: " + calls.get(i));
            }
            assertTrue(logs.get(calls.size() - 1).contains("jrun.cli.Help "), "--help loads it: the check can see a load");
        } finally {
            Files.deleteIfExists(wrapper);
            Files.deleteIfExists(wdir);
        }
    }

    @Test
    void manPagesAndCompletionAreBuilt() throws Exception {
        Path man = Sandbox.HOME.resolve("share/man/man8");
        List<String> pages = new ArrayList<>(List.of("jrun.8", "oci-interceptor.8", "run_oci.8", "jrun-help.8"));
        for (String c : COMMANDS) pages.add("jrun-" + c + ".8");
        for (String p : pages) {
            assertTrue(Files.isRegularFile(man.resolve(p)), p);
            Sandbox.Result r = Sandbox.exec(List.of("man", "--warnings", "-l", man.resolve(p).toString()), null, Map.of("MANWIDTH", "100"));
            assertEquals(0, r.status(), p + ": " + r);
            assertEquals("", r.err(), p + ": roff warnings");
            assertTrue(r.out().contains("NAME") && r.out().contains("SYNOPSIS"), p);
        }
        Path bin = Sandbox.JRUN;
        sb.jrun("run", "-d", "--bundle", sleeper().toString(), "c1").ok();
        Path completion = Sandbox.HOME.resolve("share/bash-completion/completions/jrun");
        String[][] cases = {{"create --bu", "--bundle"}, {"st", "start state"}, {"--ro", "--root --rootless"},
            {"--root " + sb.jrunRoot + " kill ", "c1"}, {"update --cpu-sh", "--cpu-share --cpu-shares"}, {"help ru", "run"}};
        for (String[] c : cases) {
            String words = bin + " " + c[0] + (c[0].endsWith(" ") ? "''" : "");
            String line = "source " + completion + "; COMP_WORDS=(" + words + "); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); _jrun; echo \"${COMPREPLY[*]}\"";
            Sandbox.Result r = Sandbox.exec(List.of("bash", "-c", line), null);
            assertEquals(c[1], r.ok().out().strip(), c[0] + ": " + r);
        }
    }
}
