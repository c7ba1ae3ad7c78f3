package jrun.it;

import jrun.testing.Sandbox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import jrun.spec.Json;

/**
 * The state each hook stage reads on stdin, jrun against runc 1.1.5 on the same bundle: status and
 * pid per stage (the pid as "host", "1" or "none", since the two containers' pids differ). The pids
 * are runc's; the statuses are runtime-spec 1.2.1's where runc differs (docs/conformance.md).
 */
class HookStatesIT extends WithSandbox {
    static final List<String> STAGES = List.of("prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop");

    static void script(Path file, String log) throws Exception {
        Files.writeString(file, "#!/bin/sh\nstate=$(cat)\necho \"$1 $state\" | tr -d '\\n' >> " + log + "\necho >> " + log + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Runs a container with a state-dumping hook at every stage; returns stage -> "status pid". */
    Map<String, String> states(String rt, boolean newPidNamespace) throws Exception {
        String name = rt + (newPidNamespace ? "-pidns" : "-hostpid");
        Path hostHook = sb.dir.resolve(name + "-hook.sh"), log = sb.dir.resolve(name + ".log");
        script(hostHook, log.toString());
        Path b = sb.bundle(name, c -> {
            Sandbox.args(c, "sleep", "1000");
            if (!newPidNamespace) ((List<?>) Sandbox.linux(c).get("namespaces")).removeIf(n -> "pid".equals(((Map<?, ?>) n).get("type")));
            Map<String, Object> hooks = new LinkedHashMap<>();
            for (String st : STAGES)
                hooks.put(st, List.of(Json.parse("{\"path\":\"" + (st.equals("startContainer") ? "/hook.sh" : hostHook.toString())
                        + "\",\"args\":[\"hook.sh\",\"" + st + "\"]}")));
            c.put("hooks", hooks);
        });
        script(b.resolve("rootfs/hook.sh"), "/tmp/hooks.log");
        String id = "hs-" + name;
        call(rt, "create", "--bundle", b.toString(), id).ok();
        long pid = Long.parseLong(((Map<?, ?>) Json.parse(call(rt, "state", id).ok().out())).get("pid").toString());
        call(rt, "start", id).ok();
        Path inside = b.resolve("rootfs/tmp/hooks.log");
        for (int i = 0; i < 250 && !Files.exists(inside); i++) Thread.sleep(20);
        call(rt, "delete", "--force", id).ok();

        Map<String, String> out = new LinkedHashMap<>();
        for (String line : (Files.readString(log) + Files.readString(inside)).split("\n")) {
            if (line.isBlank()) continue;
            int sp = line.indexOf(' ');
            Map<?, ?> state = (Map<?, ?>) Json.parse(line.substring(sp + 1));
            assertEquals(id, state.get("id"), rt + ": " + line);
            Object p = state.get("pid");
            String pidKind = p == null ? "none" : Long.parseLong(p.toString()) == pid ? "host" : p.toString();
            out.put(line.substring(0, sp), state.get("status") + " " + pidKind);
        }
        assertEquals(STAGES.stream().sorted().toList(), out.keySet().stream().sorted().toList(), rt + ": every stage ran once: " + out);
        return out;
    }

    Sandbox.Result call(String rt, String... args) throws Exception {
        return rt.equals("jrun") ? sb.jrun(args) : sb.runc(args);
    }

    @Test
    void everyStageGetsTheSpecsStatusAndRuncsPid() throws Exception {
        Set<String> creatingInRunc = Set.of("prestart", "createRuntime", "createContainer");
        for (boolean pidns : List.of(true, false)) {
            Map<String, String> jrun = states("jrun", pidns), runc = states("runc", pidns);
            String where = (pidns ? "new pid namespace" : "host pid namespace") + ": jrun " + jrun + " runc " + runc;
            for (String st : STAGES) {
                String pid = runc.get(st).split(" ")[1], status = runc.get(st).split(" ")[0];
                if (creatingInRunc.contains(st)) {
                    // runtime-spec 1.2.1: steps 3-5 come after step 2, the end of the create operation: "created"
                    assertEquals("creating", status, "runc 1.1.5, " + st + ", " + where);
                    status = "created";
                }
                if (st.equals("poststart")) {
                    // runc 1.1.5 runs poststart during create ("created"); jrun after the program was executed (step 9)
                    assertEquals("created", status, where);
                    status = "running";
                }
                assertEquals(status + " " + pid, jrun.get(st), st + ", " + where);
            }
            assertEquals(pidns ? "created 1" : "created host", jrun.get("createContainer"), where);
            assertEquals(pidns ? "created 1" : "created host", jrun.get("startContainer"), where);
            assertEquals("created host", jrun.get("prestart"), where);
            assertEquals("running host", jrun.get("poststart"), where);
            assertEquals("stopped none", jrun.get("poststop"), where);
        }
    }
}
