package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import jrun.testing.Cmd;
import jrun.testing.Sandbox;

/**
 * CVE-2016-9962 class: what a container's process can reach, through /proc, of a runtime process
 * that shares its pid namespace. Two of them do: the helper of a `jrun exec`, from its clone into
 * the container's namespaces to its exec; and the init of a created, not yet started container that
 * joins the pid namespace of a running one (a pod's shared pid namespace), for as long as it waits
 * for `start`. Neither may give the container its fds (the state directory's exec.fifo, the pipes
 * to the JVM, a pidfd of the JVM), its exe (the host's jrun-helper: CVE-2019-5736's way in), mem,
 * environ, root or cwd. The attacker is src/test/c/escape-procspy.c; runc 1.1.5 is the control.
 */
class RuntimeProcessEscapeIT extends EscapeTest {
    /** A running container with the attacker in its /bin. */
    Path attackerBundle(String name) throws Exception {
        Path b = sb.bundle(name, c -> Sandbox.args(c, "sleep", "1000"));
        attacker(b.resolve("rootfs"), "escape-procspy");
        return b;
    }

    static void assertAttackRanAndReachedNothing(String rt, String out) {
        assertTrue(out.startsWith("start\n") && out.contains("\nend "), rt + ": the attacker ran: " + out);
        assertTrue(out.contains("\nseen "), rt + ": the attacker saw a runtime process: " + out);
        assertFalse(out.contains("LEAK"), rt + ": the attacker reached a runtime process: " + out);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jrun", "runc"})
    void aCreatedInitInASharedPidNamespace(String rt) throws Exception {
        Path a = attackerBundle("a");
        rt(rt, "run", "--detach", "--bundle", a.toString(), "pod-" + rt).ok();
        long pod = initPid(rt, "pod-" + rt);
        @SuppressWarnings("unchecked")
        Path b = sb.bundle("b", c -> {
            Sandbox.args(c, "true");
            for (Object n : (List<Object>) Sandbox.linux(c).get("namespaces"))
                if ("pid".equals(((Map<String, Object>) n).get("type"))) ((Map<String, Object>) n).put("path", "/proc/" + pod + "/ns/pid");
        });
        rt(rt, "create", "--bundle", b.toString(), "created-" + rt).ok();
        String out = rt(rt, "exec", "pod-" + rt, "/bin/escape-procspy", "1").ok().out();
        assertAttackRanAndReachedNothing(rt, out);
        assertTrue(rt(rt, "state", "created-" + rt).ok().out().contains("\"created\""), rt + ": nobody started it through its fifo");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jrun", "runc"})
    void theHelperOfAnExec(String rt) throws Exception {
        Path a = attackerBundle("a");
        rt(rt, "run", "--detach", "--bundle", a.toString(), "x-" + rt).ok();
        Path report = a.resolve("rootfs/tmp/spy"), stop = a.resolve("rootfs/tmp/stop");
        List<String> spyCmd = rt.equals("jrun") ? List.of(jrun.toString(), "--root", sb.jrunRoot.toString()) : List.of("runc", "--root", sb.runcRoot.toString());
        CompletableFuture<Cmd.Result> spy = CompletableFuture.supplyAsync(() -> Cmd.run(Cmd.concat(spyCmd,
                "exec", "x-" + rt, "sh", "-c", "/bin/escape-procspy 600 /tmp/stop >/tmp/spy"), null, Map.of(), 660));
        for (int i = 0; i < 1500 && !(Files.exists(report) && Files.readString(report).startsWith("start")); i++) Thread.sleep(20);
        // The part of an exec worth a race (capabilities dropped, not yet exec'd) is short; a PATH
        // of 2000 missing directories before /bin stretches it to a few milliseconds (the helper
        // tries each), as an image's PATH on a slow filesystem would.
        StringBuilder path = new StringBuilder("PATH=");
        for (int i = 0; i < 2000; i++) path.append("/nonexistent/d").append(i).append(':');
        path.append("/bin");
        try {
            for (int i = 0; i < 15 && !Files.readString(report).contains("LEAK"); i++)
                assertEquals(0, rt(rt, "exec", "--env", path.toString(), "x-" + rt, "true").status(), rt);
        } finally {
            Files.writeString(stop, "");
        }
        assertEquals(0, spy.get(120, TimeUnit.SECONDS).exit(), rt);
        assertAttackRanAndReachedNothing(rt, Files.readString(report));
    }
}
