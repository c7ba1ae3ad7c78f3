package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import jrun.spec.Json;
import jrun.testing.Sandbox;
import jrun.testing.TreeCopy;

/**
 * CVE-2019-5736: a container's process overwrites the runtime's binary on the host through
 * /proc/PID/exe of a runtime process it can see, and root runs its code at the next call. Both
 * ways in are really tried, by src/test/c/cve-attacker.c inside the container, against a copy of
 * the built tree (an attack that works spoils the copy only): the created init, and an exec
 * racing a "#!/proc/self/exe" script. Each test proves the attempt happened (the attacker's log),
 * then that the helper's bytes are unchanged and the payload never ran, and, from the host, that
 * no process in the container's pid namespace ran a host file (only the sealed memfd copy of the
 * helper, or the container's own binaries): the launchers and the JVM never enter it.
 */
class Cve20195736IT extends WithSandbox implements jrun.testing.PrivateEngine.OwnEngine {
    TreeCopy tree;
    String helperBefore;
    Path payload;

    @BeforeEach
    void copyTree() throws Exception {
        tree = TreeCopy.of(sb.dir.resolve("tree"));
        helperBefore = TreeCopy.sha256(tree.helper);
        payload = sb.dir.resolve("PWNED");
        CopyEngine.start(tree.jrun); // the engine run: through an engine of the copy's build
    }

    @org.junit.jupiter.api.AfterEach
    void stopCopyEngine() {
        CopyEngine.stop(tree.jrun, "Cve20195736IT");
    }

    @org.junit.jupiter.api.BeforeAll
    static void noneServedYet() {
        CopyEngine.newClass();
    }

    @org.junit.jupiter.api.AfterAll
    static void theAttacksWentThroughTheEngine() {
        CopyEngine.assertServed("Cve20195736IT");
    }

    /** A busybox bundle running args (rootfs writable), with the attacker at /attacker and a "#!/proc/self/exe" script at /evil. */
    Path bundle(String name, String... args) throws IOException {
        Path b = sb.bundle(name, c -> Sandbox.args(c, args));
        Files.copy(CveAttacker.binary(), b.resolve("rootfs/attacker"));
        Path evil = Files.writeString(b.resolve("rootfs/evil"), "#!/proc/self/exe\n");
        Files.setPosixFilePermissions(evil, PosixFilePermissions.fromString("rwxr-xr-x"));
        return b;
    }

    Sandbox.Result copy(String... args) {
        return sb.jrunAt(tree.jrun, args);
    }

    long initPid(String id) {
        Map<?, ?> st = (Map<?, ?>) Json.parse(copy("state", id).ok().out());
        return Long.parseLong(st.get("pid").toString());
    }

    static String log(Path bundle) throws IOException {
        return CveAttacker.log(bundle.resolve("rootfs"), "/tmp/attack.log");
    }

    static String waitForLog(Path bundle, String... any) throws Exception {
        for (int i = 0; i < 200; i++) {
            String text = log(bundle);
            for (String a : any) if (text.contains(a)) return text;
            Thread.sleep(50);
        }
        return log(bundle);
    }

    /** Runs the copy once more: an overwritten helper would run its payload now, as root on the host. */
    void runTheHelperAgain(Path bundle) {
        copy("create", "--bundle", bundle.toString(), "again");
        copy("delete", "--force", "again");
    }

    void assertUnharmed(String log) throws IOException {
        assertEquals(helperBefore, TreeCopy.sha256(tree.helper), "the helper on the host was overwritten; attacker's log:\n" + log);
        assertFalse(Files.exists(payload), "the container's payload ran on the host as root; attacker's log:\n" + log);
        assertFalse(log.contains("OVERWROTE"), log);
    }

    /**
     * Every exe seen from the host in the container's pid namespace while it runs: a process there
     * may run the sealed memfd copy of the helper or a file of the rootfs, nothing else. (From the
     * host, a container's file reads as its path inside the container, so files are told apart by
     * device and inode, taken while the process lives.)
     */
    static final class PidNsWatch implements AutoCloseable {
        final Set<String> exes = new ConcurrentSkipListSet<>();
        private final Thread thread;
        private volatile boolean stop;

        PidNsWatch(long initPid) throws IOException {
            Path ns = Files.readSymbolicLink(Path.of("/proc/" + initPid + "/ns/pid"));
            thread = new Thread(() -> {
                while (!stop) {
                    try (var procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
                        for (Path p : procs) {
                            try {
                                if (!Files.readSymbolicLink(p.resolve("ns/pid")).equals(ns)) continue;
                                String link = Files.readSymbolicLink(p.resolve("exe")).toString();
                                exes.add(link + "|" + fileKey(p.resolve("exe")));
                            } catch (IOException | RuntimeException gone) {
                                // exited meanwhile
                            }
                        }
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                }
            });
            thread.start();
        }

        static String fileKey(Path p) throws IOException {
            return Files.getAttribute(p, "unix:dev") + ":" + Files.getAttribute(p, "unix:ino");
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join();
        }

        void assertNoHostFile(Path rootfs) throws IOException {
            Set<String> bad = new TreeSet<>();
            boolean container = false;
            for (String e : exes) {
                String link = e.substring(0, e.lastIndexOf('|')), key = e.substring(e.lastIndexOf('|') + 1);
                if (link.startsWith("/memfd:jrun-helper")) continue;
                Path inRoot = rootfs.resolve(link.substring(1));
                if (Files.exists(inRoot) && fileKey(inRoot).equals(key)) container = true;
                else bad.add(link);
            }
            assertTrue(bad.isEmpty(), "processes in the container's pid namespace ran host files " + bad + " (all seen: " + exes + ")");
            assertTrue(container, "the watch saw the container's own processes: " + exes);
        }
    }

    /** The launcher starts the helper from a sealed copy; a helper Java spawns (no prefork) makes its own. */
    @Test
    void everyHelperRunsFromASealedCopy() throws Exception {
        Path b = bundle("b0", "sleep", "1000");
        for (String prefork : List.of("", "1")) {
            String id = "s" + prefork;
            Map<String, String> env = prefork.isEmpty() ? Map.of() : Map.of("JRUN_NO_PREFORK", "1");
            sb.jrunAt(tree.jrun, env, "create", "--bundle", b.toString(), id).ok();
            long pid = initPid(id);
            assertEquals("/memfd:jrun-helper (deleted)", Files.readSymbolicLink(Path.of("/proc/" + pid + "/exe")).toString(), "JRUN_NO_PREFORK=" + prefork);
            copy("delete", "--force", id).ok();
        }
    }

    /** Way 1: `exec -d` while the container is created, opening /proc/1/exe (the waiting init) to write it after `start`. */
    @Test
    void theCreatedInitCannotBeOverwritten() throws Exception {
        Path b = bundle("b1", "sleep", "1000");
        copy("create", "--bundle", b.toString(), "w1").ok();
        String log;
        PidNsWatch watch = new PidNsWatch(initPid("w1"));
        try (watch) {
            copy("exec", "-d", "w1", "/attacker", "init", "/tmp/attack.log", payload.toString(), "8").ok();
            log = waitForLog(b, "open 1:", "opened 1:");
            assertTrue(log.contains("attempt: open /proc/1/exe"), "the attacker tried: " + log);
            copy("start", "w1").ok();
            log = waitForLog(b, "OVERWROTE", "write 1:", "gave up", "container's own");
            Thread.sleep(200);
        }
        runTheHelperAgain(b);
        assertUnharmed(log(b));
        watch.assertNoHostFile(b.resolve("rootfs"));
    }

    /**
     * Way 2: a process in the container watches /proc while the runtime execs a "#!/proc/self/exe"
     * script (the kernel then runs the runtime's own exe in the container) and catches exec
     * children before their exec; it opens their exe and writes once it is not busy.
     */
    @Test
    void anExecCannotBeOverwrittenThroughProcSelfExe() throws Exception {
        Path b = bundle("b2", "sleep", "1000");
        copy("run", "--detach", "--bundle", b.toString(), "w2").ok();
        String log;
        PidNsWatch watch = new PidNsWatch(initPid("w2"));
        try (watch) {
            copy("exec", "-d", "w2", "/attacker", "scan", "/tmp/attack.log", payload.toString(), "120").ok();
            waitForLog(b, "attempt: scan");
            int caughtAt = -1;
            for (int i = 0; i < 60; i++) {
                copy("exec", "w2", "/evil");
                log = log(b);
                if (caughtAt < 0 && log.contains("opened ")) caughtAt = i;
                if (log.contains("OVERWROTE") || (caughtAt >= 0 && i - caughtAt >= 5)) break;
            }
            log = log(b);
            if (caughtAt < 0) fail("the attacker never opened a runtime process's exe in 60 execs: the attempt did not happen\n" + log);
        }
        runTheHelperAgain(b);
        log = log(b);
        assertUnharmed(log);
        watch.assertNoHostFile(b.resolve("rootfs"));
        for (String line : log.split("\n"))
            if (line.startsWith("opened ")) assertTrue(line.contains("/memfd:jrun-helper"), "the attacker opened a host file: " + line + "\n" + log);
    }
}
