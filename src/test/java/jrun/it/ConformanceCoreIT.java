package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jrun.spec.Json;
import jrun.testing.Sandbox;

/**
 * Behaviours of issue 14 (conformance and runc parity) that runtime tests, Docker and operators
 * rely on, each checked against runc on the same bundle where runc has them.
 */
class ConformanceCoreIT extends WithSandbox {
    /** Docker 20.10's default profile (errno by default) without close_range, as profiles from before it was added are. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> seccompWithoutCloseRange() throws Exception {
        String text;
        try (var in = ConformanceCoreIT.class.getResourceAsStream("/configs/docker-20.10.json")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, Object> seccomp = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) Json.parse(text)).get("linux")).get("seccomp");
        assertEquals("SCMP_ACT_ERRNO", seccomp.get("defaultAction"));
        int removed = 0;
        for (Object o : (List<Object>) seccomp.get("syscalls")) {
            List<Object> names = new ArrayList<>((List<Object>) ((Map<String, Object>) o).get("names"));
            if (names.remove("close_range")) removed++;
            ((Map<String, Object>) o).put("names", names);
        }
        assertEquals(1, removed, "the profile allowed close_range once");
        return seccomp;
    }

    /** Item 1: without noNewPrivileges the filter is loaded before the identity change; the fds must be marked before it. */
    @Test
    void aProfileWithoutCloseRangeRunsWithoutNoNewPrivileges() throws Exception {
        Map<String, Object> seccomp = seccompWithoutCloseRange();
        Path b = sb.bundle("b", c -> {
            Sandbox.args(c, "sh", "-c", "echo up");
            Sandbox.process(c).put("noNewPrivileges", Boolean.FALSE);
            Sandbox.linux(c).put("seccomp", seccomp);
        });
        assertEquals("up\n", sb.runc("run", "--bundle", b.toString(), "r1").ok().out(), "runc runs the profile");
        Sandbox.Result r = sb.jrun("run", "--bundle", b.toString(), "j1");
        assertEquals(0, r.status(), r.err());
        assertEquals("up\n", r.out());
        // and the same through create and start, where the init died right after start
        Path b2 = sb.bundle("b2", c -> {
            Sandbox.args(c, "sh", "-c", "echo up > /tmp/out; sleep 1000");
            Sandbox.process(c).put("noNewPrivileges", Boolean.FALSE);
            Sandbox.linux(c).put("seccomp", seccomp);
        });
        sb.jrun("create", "--bundle", b2.toString(), "j2").ok();
        sb.jrun("start", "j2").ok();
        for (int i = 0; i < 200 && !java.nio.file.Files.exists(b2.resolve("rootfs/tmp/out")); i++) Thread.sleep(10);
        assertEquals("running", ((Map<?, ?>) Json.parse(sb.jrun("state", "j2").ok().out())).get("status"));
        assertEquals("up\n", java.nio.file.Files.readString(b2.resolve("rootfs/tmp/out")));
        sb.jrun("delete", "--force", "j2").ok();
    }
}
