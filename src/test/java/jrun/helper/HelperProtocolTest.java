package jrun.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The real bin/jrun-helper fed hand-made plans (no root needed): it must reject anything
 * malformed before doing a single step, and report a failing step by index and errno.
 */
class HelperProtocolTest {
    static final Path HELPER = Path.of(System.getProperty("jrun.home", "."), "bin", "jrun-helper");

    record Outcome(int status, Report report, String stderr) {}

    static Outcome feed(byte[] plan) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(HELPER.toString()).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(plan);
        } catch (IOException e) {
            // it may reject the plan before reading all of it
        }
        Report r;
        try (InputStream out = p.getInputStream()) {
            r = Report.read(out);
        }
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Outcome(p.waitFor(), r, err);
    }

    static byte[] valid(List<Step> steps) {
        return Plan.encode(steps, ProcessHandle.current().pid());
    }

    static Outcome rejected(byte[] plan, String why) throws Exception {
        Outcome o = feed(plan);
        assertEquals(2, o.status(), o.stderr());
        assertEquals('E', o.report().kind());
        assertEquals(-1, o.report().step());
        assertEquals(why, o.report().message());
        return o;
    }

    @Test
    void rejectsMalformedPlans() throws Exception {
        byte[] good = valid(List.of(Step.of(Op.UMASK, "u", 18L)));
        byte[] magic = good.clone();
        magic[0] = 'X';
        rejected(magic, "bad magic");
        byte[] version = good.clone();
        version[8] = 9;
        rejected(version, "unsupported version");
        byte[] op = good.clone();
        ByteBuffer.wrap(op).order(ByteOrder.LITTLE_ENDIAN).putShort(20, (short) 999);
        rejected(op, "unknown opcode");
        byte[] count = good.clone();
        ByteBuffer.wrap(count).order(ByteOrder.LITTLE_ENDIAN).putShort(22, (short) 2);
        rejected(count, "wrong field count for opcode");
        byte[] width = good.clone();
        ByteBuffer.wrap(width).order(ByteOrder.LITTLE_ENDIAN).putInt(24, 4);
        rejected(Arrays.copyOf(width, width.length - 4), "integer field is not 8 bytes");
        rejected(Arrays.copyOf(good, good.length - 3), "truncated field");
        byte[] vec = valid(List.of(Step.of(Op.SETGROUPS, "g", List.of("1"))));
        vec[vec.length - 1] = '2'; // the vector's last entry loses its NUL
        rejected(vec, "vector field not NUL-terminated");
        byte[] nul = valid(List.of(Step.of(Op.CHDIR, "c", "/ab")));
        nul[nul.length - 2] = 0;
        rejected(nul, "NUL inside a string field");
    }

    @Test
    void runsAValidPlanAndEndsWithEof() throws Exception {
        long me = ProcessHandle.current().pid();
        Outcome o = feed(valid(List.of(Step.of(Op.UMASK, "u", 18L), Step.of(Op.SIGNAL, "kill", me, 0L, 0L))));
        assertEquals(0, o.status(), o.stderr());
        assertNull(o.report(), "success reports nothing: EOF");
    }

    @Test
    void reportsTheFailingStepAndErrno() throws Exception {
        long me = ProcessHandle.current().pid();
        Outcome o = feed(valid(List.of(Step.of(Op.UMASK, "u", 18L), Step.of(Op.SIGNAL, "kill", me, 1L, 0L))));
        assertEquals(1, o.status());
        assertEquals(new Report('E', 1, 3 /* ESRCH */, 0, "process " + me + ": No such process"), o.report());
        Outcome chdir = feed(valid(List.of(Step.of(Op.CHDIR, "process.cwd", "/no/such/dir"))));
        assertEquals(0, chdir.report().step());
        assertEquals(2 /* ENOENT */, chdir.report().errno());
        assertTrue(chdir.report().message().startsWith("chdir /no/such/dir: "), chdir.report().message());
    }

    @Test
    void moreReadsTheRestOfThePlanAndNumbersItsSteps() throws Exception {
        long me = ProcessHandle.current().pid();
        byte[] first = valid(List.of(Step.of(Op.UMASK, "u", 18L), Step.of(Op.MORE, "plan")));
        // the continuation's second step fails: its index counts on from the first part's
        byte[] rest = Plan.continuation(List.of(Step.of(Op.UMASK, "u", 18L), Step.of(Op.SIGNAL, "kill", me, 1L, 0L)));
        Outcome o = feed(concat(first, rest));
        assertEquals(1, o.status(), o.stderr());
        assertEquals(new Report('E', 3, 3 /* ESRCH */, 0, "process " + me + ": No such process"), o.report());
        Outcome ok = feed(concat(first, Plan.continuation(List.of(Step.of(Op.SIGNAL, "kill", me, 0L, 0L)))));
        assertEquals(0, ok.status(), ok.stderr());
        assertNull(ok.report());
    }

    @Test
    void aBrokenContinuationRunsNoneOfIt() throws Exception {
        long me = ProcessHandle.current().pid();
        byte[] first = valid(List.of(Step.of(Op.MORE, "plan")));
        // a valid first step, then garbage: the failing SIGNAL must not run before the check
        byte[] rest = Plan.continuation(List.of(Step.of(Op.SIGNAL, "kill", me, 1L, 0L), Step.of(Op.UMASK, "u", 18L)));
        ByteBuffer.wrap(rest).order(ByteOrder.LITTLE_ENDIAN).putShort(rest.length - 16, (short) 999);
        rejected(concat(first, rest), "unknown opcode");
        rejected(concat(first, new byte[] {1, 0}), "truncated plan continuation"); // EOF inside the rest's count
        // EOF before any of the rest: Java gave up (a config error found while the helper waited)
        // and reports it itself, so the helper leaves without a word
        Outcome gaveUp = feed(first);
        assertEquals(1, gaveUp.status(), gaveUp.stderr());
        assertNull(gaveUp.report());
        assertEquals("", gaveUp.stderr());
    }

    @Test
    void anInitWhoseReadyReportFindsJavaGoneExits(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        String fifo = dir.resolve("exec.fifo").toString();
        // no namespaces (no root needed); the go holds the init until this side has gone away
        byte[] plan = valid(List.of(Step.of(Op.MKFIFO, "state", fifo, 0600L), Step.of(Op.OPEN_FIFO, "state", fifo),
                Step.of(Op.CLONE, "c", 0L, 0L, ""), Step.of(Op.WAIT_GO, "create"), Step.of(Op.WAIT_START, "create")));
        Process p = new ProcessBuilder(HELPER.toString()).start();
        long init = -1;
        try (OutputStream in = p.getOutputStream()) {
            in.write(plan);
            in.flush();
            Report r = Report.read(p.getInputStream());
            assertEquals('P', r.kind(), String.valueOf(r));
            init = r.value();
            p.getInputStream().close(); // "Java" is gone: nobody reads the init's 'R'
            in.write(Plan.go(new byte[0]));
            in.flush();
            var h = ProcessHandle.of(init);
            for (int i = 0; i < 1000 && h.isPresent() && h.get().isAlive(); i++) Thread.sleep(10); // up to 10 s on a loaded machine
            assertTrue(h.isEmpty() || !h.get().isAlive(), "the init still waits for a start nothing recorded");
        } finally {
            if (init > 0) ProcessHandle.of(init).ifPresent(ProcessHandle::destroyForcibly); // a failing run leaves no init behind
            p.destroyForcibly();
        }
        assertTrue(p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS));
    }

    @Test
    void theInitReportsNothingBeforeTheHelpersP() throws Exception {
        // The init fails at once, with no go to wait for: its 'E' must still come after 'P'. The
        // helper runs under strace, which holds each of its writev calls (its reports) 300 ms and
        // leaves its children alone: an init that did not wait for the 'P' would report first, every time.
        byte[] plan = valid(List.of(Step.of(Op.CLONE, "c", 0L, 0L, ""), Step.of(Op.CHDIR, "process.cwd", "/no/such/dir")));
        Process p = new ProcessBuilder("strace", "-o", "/dev/null", "-e", "trace=writev", "-e", "inject=writev:delay_enter=300000",
                HELPER.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (OutputStream in = p.getOutputStream(); InputStream out = p.getInputStream()) {
            long t0 = System.nanoTime();
            in.write(plan);
            in.flush();
            Report first = Report.read(out);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals('P', first == null ? 0 : first.kind(), String.valueOf(first));
            assertTrue(ms >= 250, "the helper's 'P' was held back (" + ms + " ms): strace delays its writev");
            Report second = Report.read(out);
            assertEquals('E', second == null ? 0 : second.kind(), String.valueOf(second));
            assertEquals(new Report('E', 1, 2 /* ENOENT */, 0, "chdir /no/such/dir: No such file or directory"), second);
        } finally {
            p.destroyForcibly();
            p.waitFor();
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /**
     * A helper that runs under a filter refusing close_range (jrun inside a container with an older
     * profile) still marks stray fds close-on-exec, one fcntl each: fd 5, taken from this JVM
     * without close-on-exec, is not inherited by the program.
     */
    @Test
    @SuppressWarnings("unchecked")
    void closeFdsWithoutCloseRangeStillMarksEveryFd() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "pidfd_getfd of the parent needs root");
        jrun.linux.seccomp.SeccompProgram deny = jrun.linux.seccomp.SeccompCompiler.compile((java.util.Map<String, Object>) jrun.spec.TestConfigs.json(
                "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"close_range\"],\"action\":\"SCMP_ACT_ERRNO\"}]}"), "s");
        List<String> sh = List.of("/bin/sh", "-c", "test -e /proc/self/fd/5 && exit 7; exit 0");
        Outcome o = feed(valid(List.of(Step.of(Op.GETFD, "fd", 0L, 5L), Step.of(Op.NO_NEW_PRIVS, "nnp"),
                Step.of(Op.SECCOMP, "seccomp", deny.flags(), deny.filter()), Step.of(Op.CLOSE_FDS, "fds", 3L),
                Step.of(Op.EXEC, "exec", List.of("/bin/sh"), sh, List.of()))));
        assertNull(o.report(), "reported " + o.report());
        assertEquals(0, o.status(), "fd 5 inherited by the program");
    }

    @Test
    void refusesToRunByHand() throws Exception {
        Process p = new ProcessBuilder(HELPER.toString(), "--help").start();
        assertEquals(2, p.waitFor());
        assertTrue(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).contains("runs only under jrun"));
    }
}
