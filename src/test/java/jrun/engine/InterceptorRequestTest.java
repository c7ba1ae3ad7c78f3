package jrun.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InterceptorRequestTest {
    /** A request as engine_plan.c sends it: u32 length, then NUL-terminated fields. */
    private static byte[] request(String magic, String... argv) {
        List<String> f = new ArrayList<>(List.of(magic, "build", "/", Integer.toString(argv.length)));
        f.addAll(List.of(argv));
        f.addAll(List.of("1", "PATH=/usr/bin:/bin"));
        return Request.wire(f);
    }

    @Test
    void aPlainRewriteIsServedOnTheAcceptingThread() {
        byte[] r = request("JRUNOCI1", "--oi-env", "A=1", "--root", "/run/x", "--log", "/nonexistent/log.json", "create", "--bundle", "b", "id");
        assertTrue(InterceptorRequest.inline(r, r.length));
    }

    @Test
    void whatCouldBlockGoesToAThread(@TempDir Path dir) throws Exception {
        for (String[] argv : new String[][] {{"--oi-rules", "/etc/r.yaml", "create", "id"}, {"--oi-rules=/etc/r.yaml", "create", "id"},
                {"--oi-write-debug-output", "create", "id"}, {"--oi-debug-output-dir", "/tmp/d", "create", "id"},
                {"--log", dir.toString(), "create", "id"}, {"create", "--log=" + dir, "id"}}) {
            byte[] r = request("JRUNOCI1", argv);
            assertFalse(InterceptorRequest.inline(r, r.length), String.join(" ", argv));
        }
        Path log = Files.writeString(dir.resolve("log.json"), "");
        byte[] r = request("JRUNOCI1", "--log", log.toString(), "create", "id");
        assertTrue(InterceptorRequest.inline(r, r.length), "a regular --log file");
    }

    @Test
    void onlyAWholeInterceptorRequestIsInline() {
        byte[] r = request("JRUNOCI1", "create", "id");
        assertFalse(InterceptorRequest.inline(r, r.length - 1), "not all of it came");
        byte[] eng = request("JRUNENG1", "create", "id");
        assertFalse(InterceptorRequest.inline(eng, eng.length), "jrun's requests run on a thread");
        assertFalse(InterceptorRequest.inline(new byte[3], 3));
    }

    @Test
    void theWarmUpRewritesAPrivateBundleAndLeavesNothing() throws Exception {
        long before;
        try (var s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            before = s.filter(p -> p.getFileName().toString().startsWith("jrun-engine-warmup-")).count();
        }
        AtomicInteger seen = new AtomicInteger();
        String done = InterceptorRequest.warmUp("build", 5, raw -> {
            if (InterceptorRequest.inline(raw, raw.length)) seen.incrementAndGet();
        });
        assertEquals("warmed up: 5 rewrites in", done.substring(0, done.indexOf(" ms")).replaceAll(" \\d+$", ""), done);
        assertEquals(5, seen.get());
        try (var s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertEquals(before, s.filter(p -> p.getFileName().toString().startsWith("jrun-engine-warmup-")).count());
        }
    }
}
