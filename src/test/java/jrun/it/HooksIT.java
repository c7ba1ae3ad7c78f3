package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import jrun.spec.Json;
import jrun.testing.Sandbox;

/** Every hook stage: order, namespace, the state on stdin; prechroot; failure behaviour. */
class HooksIT extends WithSandbox {
    Path log;

    @BeforeEach
    void setUp() throws Exception {
        log = sb.dir.resolve("hooks.log");
    }

    /** A hook that logs: its stage, its mount namespace, the pid and id from its stdin, and (prechroot) a mountinfo line. */
    Path hook(Path where, String logFile) throws Exception {
        Path h = where.resolve("hook.sh");
        Files.writeString(h, """
                #!/bin/sh
                state=$(cat)
                pid=$(echo "$state" | sed -n 's/.*"pid": *\\([0-9]*\\).*/\\1/p')
                id=$(echo "$state" | sed -n 's/.*"id": *"\\([^"]*\\)".*/\\1/p')
                status=$(echo "$state" | sed -n 's/.*"status": *"\\([^"]*\\)".*/\\1/p')
                extra=""
                if [ "$1" = prechroot ]; then extra=$(grep -c " $2/proc [^ ]* - proc " /proc/$pid/mountinfo); fi
                echo "$1 $(readlink /proc/self/ns/mnt) pid=$pid id=$id status=$status arg=$HOOKVAR extra=$extra" >> %s
                """.formatted(logFile));
        Files.setPosixFilePermissions(h, PosixFilePermissions.fromString("rwxr-xr-x"));
        return h;
    }

    static Object hookJson(Path path, String stage, String... more) {
        StringBuilder args = new StringBuilder("[\"hook.sh\",\"" + stage + "\"");
        for (String m : more) args.append(",\"").append(m).append('"');
        return Json.parse("{\"path\":\"" + path + "\",\"args\":" + args + "],\"env\":[\"PATH=/usr/bin:/bin\",\"HOOKVAR=v-" + stage + "\"]}");
    }

    @Test
    void everyStageInOrderWithItsNamespaceAndState() throws Exception {
        Path hostHook = hook(sb.dir, log.toString());
        String hostNs = Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString();
        Path b = sb.bundle("b", c -> {
            Sandbox.args(c, "sleep", "1000");
            Map<String, Object> hooks = new java.util.LinkedHashMap<>();
            for (String st : List.of("prestart", "createRuntime", "createContainer", "poststart", "poststop"))
                hooks.put(st, List.of(hookJson(hostHook, st)));
            hooks.put("prechroot", List.of(hookJson(hostHook, "prechroot", sb.dir.resolve("b/rootfs").toString())));
            hooks.put("startContainer", List.of(hookJson(Path.of("/hook.sh"), "startContainer")));
            c.put("hooks", hooks);
        });
        hook(b.resolve("rootfs"), "/tmp/hooks.log");
        sb.jrun("create", "--bundle", b.toString(), "h1").ok();
        String pid = ((Map<?, ?>) Json.parse(sb.jrun("state", "h1").ok().out())).get("pid").toString();
        String containerNs = Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/mnt")).toString();
        assertTrue(!containerNs.equals(hostNs));
        sb.jrun("start", "h1").ok();
        for (int i = 0; i < 100 && !Files.exists(b.resolve("rootfs/tmp/hooks.log")); i++) Thread.sleep(20);
        sb.jrun("delete", "--force", "h1").ok();

        List<String> lines = Files.readAllLines(log);
        assertEquals(List.of("prestart", "createRuntime", "prechroot", "createContainer", "poststart", "poststop"),
                lines.stream().map(l -> l.split(" ")[0]).toList(), String.join("\n", lines));
        for (String l : lines) {
            String stage = l.split(" ")[0];
            String ns = stage.equals("createContainer") ? containerNs : hostNs;
            // as runc: createContainer sees the init's pid in its own pid namespace, poststop none (HookStatesIT)
            String seen = switch (stage) { case "poststop" -> ""; case "createContainer" -> "1"; default -> pid; };
            assertTrue(l.startsWith(stage + " " + ns + " pid=" + seen + " id=h1 "), l);
            assertTrue(l.contains("arg=v-" + stage), "env: " + l);
        }
        assertTrue(lines.get(2).endsWith("extra=1"), "prechroot sees the rootfs mounted but not pivoted: " + lines.get(2));
        for (int i = 0; i < 4; i++) assertTrue(lines.get(i).contains("status=created "), "runtime-spec 1.2.1, after step 2: " + lines.get(i));
        assertTrue(lines.get(4).contains("status=running"));
        assertTrue(lines.get(5).contains("status=stopped"));
        String inside = Files.readString(b.resolve("rootfs/tmp/hooks.log"));
        assertTrue(inside.startsWith("startContainer " + containerNs + " pid=1 id=h1 status=created "), inside);
    }

    @Test
    void aFailingCreateRuntimeHookFailsCreateAndLeavesNothing() throws Exception {
        Path b = sb.bundle("b", c -> c.put("hooks", Json.parse("{\"createRuntime\":[{\"path\":\"/bin/false\"}]}")));
        Sandbox.Result r = sb.jrun("create", "--bundle", b.toString(), "f1");
        assertEquals(1, r.status());
        assertEquals("jrun: hooks.createRuntime[0]: hook /bin/false exited with status 1\n", r.err());
        assertFalse(Files.exists(sb.jrunRoot.resolve("f1")));
        for (String dir : sb.cgroupDirs("f1"))
            assertFalse(Files.exists(Path.of(dir)), "cgroup removed, so no process is left in it: " + dir);
    }

    /**
     * runtime-spec 1.2.1 (jrun's ociVersion), lifecycle steps 9 and 13: a failing poststart or
     * poststop hook is a warning; the remaining hooks run and the lifecycle goes on (docs/conformance.md).
     */
    @Test
    void poststartAndPoststopFailuresAreWarnings() throws Exception {
        Path second = sb.dir.resolve("second-poststart");
        Path b = sb.bundle("b", c -> {
            Sandbox.args(c, "sleep", "1000");
            c.put("hooks", Json.parse("{\"poststart\":[{\"path\":\"/bin/false\"},{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\",\"cat > "
                    + second + "\"]}],\"poststop\":[{\"path\":\"/bin/false\"}]}"));
        });
        sb.jrun("create", "--bundle", b.toString(), "f2").ok();
        Files.writeString(b.resolve("config.json"), "not json"); // start and delete use the hooks saved at create
        Sandbox.Result s = sb.jrun("start", "f2");
        assertEquals(0, s.status(), s.err());
        assertEquals("jrun: warning: hooks.poststart[0]: hook /bin/false exited with status 1\n", s.err());
        assertTrue(((String) ((java.util.Map<?, ?>) Json.parse(Files.readString(second))).get("status")).equals("running"), "the second hook ran, with the state");
        assertTrue(sb.jrun("state", "f2").out().contains("\"running\""), "the lifecycle goes on");
        Sandbox.Result d = sb.jrun("delete", "--force", "f2").ok();
        assertTrue(d.err().contains("warning: hooks.poststop[0]: hook /bin/false exited with status 1"), d.err());
    }

    @Test
    void hookTimeout() throws Exception {
        Path b = sb.bundle("b", c -> c.put("hooks", Json.parse("{\"prestart\":[{\"path\":\"/bin/sleep\",\"args\":[\"sleep\",\"30\"],\"timeout\":1}]}")));
        long t0 = System.nanoTime();
        Sandbox.Result r = sb.jrun("create", "--bundle", b.toString(), "t1");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("hooks.prestart[0]: hook /bin/sleep timed out after 1 s"), r.err());
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L);
    }
}
