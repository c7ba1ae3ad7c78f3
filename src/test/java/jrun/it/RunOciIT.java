package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import jrun.runtime.ProcStat;
import jrun.spec.Json;
import jrun.testing.Sandbox;

/**
 * bin/run_oci driven as Chrome OS's login manager drives it ("--log_tag=... -c PATH start NAME",
 * "--signal=KILL kill NAME", "destroy NAME"), with a private state root (RUN_OCI_STATE_ROOT):
 * the state layout, the lifecycle, the hooks and the container_root annotation.
 */
class RunOciIT {
    static final Path RUN_OCI = Sandbox.HOME.resolve("bin/run_oci");
    Sandbox sb;
    Path state;
    final List<String> ids = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        sb = new Sandbox();
        state = sb.dir.resolve("containers");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (sb == null) return;
        for (String id : ids) {
            runOci(Map.of(), "--signal=KILL", "kill", id);
            for (int i = 0; i < 100 && runOci(Map.of(), "destroy", id).status() != 0; i++) Thread.sleep(20);
        }
        sb.close();
    }

    Sandbox.Result runOci(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(RUN_OCI.toString()));
        cmd.addAll(List.of(args));
        return exec(cmd, env);
    }

    Sandbox.Result runOci(String... args) throws Exception {
        for (int i = 0; i < args.length; i++)
            if ((args[i].equals("start") || args[i].equals("run")) && i + 1 < args.length && !ids.contains(args[i + 1])) ids.add(args[i + 1]);
        return runOci(Map.of(), args);
    }

    Sandbox.Result exec(List<String> cmd, Map<String, String> env) throws Exception {
        Map<String, String> all = new LinkedHashMap<>(Map.of("RUN_OCI_STATE_ROOT", state.toString()));
        all.putAll(env);
        return Sandbox.exec(cmd, null, all);
    }

    Path bundle(String name, String... args) throws Exception {
        return bundle(name, c -> {}, args);
    }

    Path bundle(String name, Consumer<Map<String, Object>> edit, String... args) throws Exception {
        return sb.bundle(name, c -> {
            Sandbox.args(c, args);
            edit.accept(c);
        });
    }

    long pid(String id) throws Exception {
        return Long.parseLong(Files.readString(state.resolve(id).resolve("container.pid")).strip());
    }

    static void waitDead(long pid) throws Exception {
        for (int i = 0; i < 300 && Files.exists(Path.of("/proc/" + pid)) && !ProcStat.read("/proc/" + pid + "/stat").contains(") Z"); i++)
            Thread.sleep(10);
    }

    @Test
    void loginManagerSequence() throws Exception {
        Path b = bundle("b", "sleep", "1000");
        Files.writeString(b.resolve("rootfs/etc/marker"), "in-rootfs");
        runOci("--log_tag=login", "-c", b.toString(), "start", "arc").ok();
        Path d = state.resolve("arc");
        assertTrue(Files.isRegularFile(d.resolve(".run_oci")));
        assertEquals(0, Files.size(d.resolve(".run_oci")));
        String pidText = Files.readString(d.resolve("container.pid"));
        assertTrue(pidText.matches("[0-9]+\n"), pidText);
        long pid = pid("arc");
        assertTrue(ProcStat.read("/proc/" + pid + "/cmdline").startsWith("sleep"));
        assertEquals(b.resolve("rootfs").toRealPath(), Files.readSymbolicLink(d.resolve("mountpoints/container-root")).toRealPath());
        assertEquals(Path.of("/proc/" + pid + "/root"), Files.readSymbolicLink(d.resolve("root")));
        // the init's view, through the link: the rootfs's files, and none of the host's (this sandbox is on the host)
        assertEquals("in-rootfs", Files.readString(d.resolve("root/etc/marker")));
        assertFalse(Files.exists(d.resolve("root").resolve(sb.dir.toString().substring(1))), "the host's " + sb.dir + " seen through root");

        // a second start of the same name: refused while it runs
        Sandbox.Result again = runOci("-c", b.toString(), "start", "arc");
        assertEquals(1, again.status());
        assertTrue(again.err().contains("container arc is already running"), again.err());
        // destroy refuses a live container
        Sandbox.Result early = runOci("destroy", "arc");
        assertEquals(1, early.status());
        assertTrue(early.err().contains("still running"), early.err());
        assertTrue(Files.isDirectory(d));

        runOci("--signal=KILL", "kill", "arc").ok();
        waitDead(pid);
        runOci("destroy", "arc").ok();
        assertFalse(Files.exists(d, LinkOption.NOFOLLOW_LINKS));
        for (String cg : Sandbox.cgroupDirs(state, "arc")) assertFalse(Files.exists(Path.of(cg)), cg);
        runOci("destroy", "arc").ok(); // already gone: success
        Sandbox.Result kill = runOci("kill", "arc");
        assertEquals(1, kill.status());
        assertTrue(kill.err().contains("does not exist"), kill.err());
    }

    @Test
    void killSendsTermByDefaultAndAcceptsNamesAndNumbers() throws Exception {
        Path marker = sb.dir.resolve("b/rootfs/tmp");
        Path b = bundle("b", "sh", "-c", "trap 'echo got-usr1 >> /tmp/log' USR1; trap 'echo got-term >> /tmp/log; exit 0' TERM; "
                + "echo ready > /tmp/ready; while true; do sleep 0.05; done");
        runOci("-c", b.toString(), "start", "k").ok();
        for (int i = 0; i < 200 && !Files.exists(marker.resolve("ready")); i++) Thread.sleep(10);
        long pid = pid("k");
        runOci("kill", "-S", "SIGUSR1", "k").ok();
        // the same signal twice before the shell's trap ran would be one pending signal: wait for it
        for (int i = 0; i < 200 && count(marker.resolve("log"), "got-usr1") < 1; i++) Thread.sleep(10);
        runOci("kill", "k", "--signal", "10").ok();
        for (int i = 0; i < 200 && count(marker.resolve("log"), "got-usr1") < 2; i++) Thread.sleep(10);
        assertEquals(2, count(marker.resolve("log"), "got-usr1"));
        runOci("kill", "k").ok();
        waitDead(pid);
        assertEquals(1, count(marker.resolve("log"), "got-term"));
        runOci("destroy", "k").ok();
    }

    static long count(Path f, String word) throws Exception {
        return Files.exists(f) ? Files.readAllLines(f).stream().filter(word::equals).count() : 0;
    }

    @Test
    void runWaitsReturnsTheStatusAppendsExtraArgsAndCleansUp() throws Exception {
        Path hook = poststopHook();
        Path b = bundle("b", c -> c.put("hooks", Map.of("poststop", List.of(hookJson(hook, "poststop")))), "sh", "-c");
        Sandbox.Result r = runOci("run", "-c", b.toString(), "r1", "--", "echo out-$0; exit 3", "arg0");
        assertEquals(3, r.status(), r.err());
        assertEquals("out-arg0\n", r.out());
        assertFalse(Files.exists(state.resolve("r1")));
        assertTrue(Files.readString(sb.dir.resolve("hooks.log")).contains("poststop status=stopped"));
    }

    Path poststopHook() throws Exception {
        Path h = sb.dir.resolve("hook.sh");
        Files.writeString(h, """
                #!/bin/sh
                s=$(cat)
                st=$(echo "$s" | sed -n 's/.*"status": *"\\([^"]*\\)".*/\\1/p')
                root=$(echo "$s" | sed -n 's/.*"org.chromium.run_oci.container_root": *"\\([^"]*\\)".*/\\1/p')
                pid=$(echo "$s" | sed -n 's/.*"pid": *\\([0-9]*\\).*/\\1/p')
                if [ -d "$root" ]; then d=exists; else d=absent; fi
                echo "$1 status=$st root=$root dir=$d pid=$pid" >> %s
                [ "$1" != fail ]
                """.formatted(sb.dir.resolve("hooks.log")));
        Files.setPosixFilePermissions(h, PosixFilePermissions.fromString("rwxr-xr-x"));
        return h;
    }

    static Object hookJson(Path path, String stage) {
        return Json.parse("{\"path\":\"" + path + "\",\"args\":[\"hook.sh\",\"" + stage + "\"],\"env\":[\"PATH=/usr/bin:/bin\"]}");
    }

    @Test
    void hooksSeeTheContainerRootAndPrecreateRunsFirst() throws Exception {
        Path hook = poststopHook();
        Path b = bundle("b", c -> {
            Map<String, Object> hooks = new LinkedHashMap<>();
            for (String s : List.of("precreate", "prechroot", "prestart", "poststart", "poststop")) hooks.put(s, List.of(hookJson(hook, s)));
            c.put("hooks", hooks);
        }, "sleep", "1000");
        runOci("-c", b.toString(), "start", "h").ok();
        long pid = pid("h");
        runOci("-S", "KILL", "kill", "h").ok();
        waitDead(pid);
        runOci("destroy", "h").ok();
        List<String> lines = Files.readAllLines(sb.dir.resolve("hooks.log"));
        String root = state.resolve("h").toString();
        assertEquals(5, lines.size(), lines.toString());
        assertEquals("precreate status=creating root=" + root + " dir=absent pid=", lines.get(0));
        assertTrue(lines.get(1).startsWith("prestart status=created root=" + root + " dir=exists pid=" + pid), lines.get(1));
        assertTrue(lines.get(2).startsWith("prechroot status=created root=" + root + " dir=exists pid=" + pid), lines.get(2));
        assertEquals("poststart status=running root=" + root + " dir=exists pid=" + pid, lines.get(3));
        assertTrue(lines.get(4).startsWith("poststop status=stopped root=" + root + " dir=exists"), lines.get(4));
    }

    @Test
    void failingPrecreateHookAborts() throws Exception {
        Path hook = poststopHook();
        Path b = bundle("b", c -> c.put("hooks", Map.of("precreate", List.of(hookJson(hook, "fail")))), "true");
        Sandbox.Result r = runOci("-c", b.toString(), "start", "p");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("hooks.precreate[0]"), r.err());
        assertFalse(Files.exists(state.resolve("p")));
    }

    @Test
    void staleDirectoryMakesStartFailUntilDestroyed() throws Exception {
        Path b = bundle("b", "sleep", "1000");
        runOci("-c", b.toString(), "start", "s").ok();
        long pid = pid("s");
        // the container dies behind run_oci's back (as in a crash of the session)
        Runtime.getRuntime().exec(new String[] {"kill", "-9", Long.toString(pid)}).waitFor();
        waitDead(pid);
        Sandbox.Result r = runOci("-c", b.toString(), "start", "s");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("stale state directory " + state.resolve("s")), r.err());
        runOci("destroy", "s").ok();
        // a directory with only the tag (a create that died half-way) is stale too, and destroy removes it
        Files.createDirectories(state.resolve("s2/mountpoints"));
        Files.writeString(state.resolve("s2/.run_oci"), "");
        assertTrue(runOci("-c", b.toString(), "start", "s2").err().contains("stale state directory"));
        runOci("destroy", "s2").ok();
        assertFalse(Files.exists(state.resolve("s2")));
        runOci("-c", b.toString(), "start", "s").ok();
        // a directory another tool keeps there is never removed
        Files.createDirectories(state.resolve("other/data"));
        Sandbox.Result other = runOci("destroy", "other");
        assertEquals(1, other.status());
        assertTrue(other.err().contains("is not a run_oci container's state (no .run_oci): not removing it"), other.err());
        assertTrue(Files.isDirectory(state.resolve("other/data")));
        assertTrue(runOci("kill", "other").err().contains("is not run_oci-managed"));
    }

    @Test
    void destroyUnmountsWhatIsMountedUnderTheStateDirectory() throws Exception {
        Path b = bundle("b", "true");
        runOci("-c", b.toString(), "start", "m").ok();
        Path mp = state.resolve("m/mountpoints/extra");
        Files.createDirectories(mp);
        sb.sh("mount -t tmpfs jrun-test " + mp).ok();
        Files.writeString(mp.resolve("inside-tmpfs"), "x");
        waitDead(pid("m"));
        runOci("destroy", "m").ok();
        assertFalse(Files.exists(state.resolve("m")));
        assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(mp.toString()));
    }
}
