package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import jrun.spec.Json;
import jrun.testing.Sandbox;

/**
 * SCMP_ACT_NOTIFY with linux.seccomp.listenerPath, under jrun and runc: a test agent
 * (src/test/c/seccomp-agent.c) receives the notify fd with runtime-spec's ContainerProcessState,
 * and answers the container's mkdir with EXDEV, which the container then sees.
 */
class SeccompListenerIT extends WithSandbox {
    Path agent;

    @BeforeEach
    void setUp() throws Exception {
        agent = sb.dir.resolve("seccomp-agent");
        Sandbox.exec(List.of("gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-o", agent.toString(),
                Sandbox.HOME.resolve("src/test/c/seccomp-agent.c").toString()), null).ok();
    }

    @Test
    void theAgentAnswersTheContainersCalls() throws Exception {
        for (String rt : List.of("jrun", "runc")) {
            Path sock = sb.dir.resolve(rt + ".sock");
            Path b = sb.bundle(rt, c -> {
                Sandbox.args(c, "sh", "-c", "mkdir /tmp/x; echo rc=$?");
                Sandbox.linux(c).put("seccomp", Json.parse("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"" + sock
                        + "\",\"listenerMetadata\":\"meta-1\",\"syscalls\":[{\"names\":[\"mkdir\",\"mkdirat\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}"));
            });
            Path out = sb.dir.resolve(rt + "-agent.out"), err = sb.dir.resolve(rt + "-agent.err");
            Process a = new ProcessBuilder(agent.toString(), sock.toString()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try {
                for (int i = 0; i < 250 && !Files.readString(err).contains("listening"); i++) Thread.sleep(20);
                Sandbox.Result r = rt.equals("jrun") ? sb.jrun("run", "--bundle", b.toString(), "sl") : sb.runc("run", "--bundle", b.toString(), "sl");
                assertEquals("rc=1\n", r.out(), rt + ": " + r);
                assertTrue(r.err().contains("Invalid cross-device link"), rt + ": the agent's answer reached the container: " + r);
                assertTrue(a.waitFor(10, TimeUnit.SECONDS), rt + ": the agent sees the fd close when the container ends");
                Map<?, ?> payload = (Map<?, ?>) Json.parse(Files.readString(out));
                assertEquals(List.of("seccompFd"), payload.get("fds"), rt);
                assertEquals("meta-1", payload.get("metadata"), rt);
                Map<?, ?> state = (Map<?, ?>) payload.get("state");
                assertEquals("sl", state.get("id"), rt);
                assertEquals("creating", state.get("status"), rt);
                assertEquals(payload.get("pid").toString(), state.get("pid").toString(), rt);
            } finally {
                a.destroyForcibly();
            }
        }
    }
}
