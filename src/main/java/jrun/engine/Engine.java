package jrun.engine;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jrun.Invocation;
import jrun.JrunException;

/**
 * The resident JVM (docs/engine.md): serves bin/jrun's requests on a unix socket, each on a
 * virtual thread with its own jrun.Invocation, and answers F (fall back: the client runs the
 * command cold) for anything it does not serve. It keeps nothing a cold command would need: the
 * state on disk and its locks stay the only truth.
 *
 * <pre>
 *   client: u32 length (big-endian), then NUL-terminated fields; fds by SCM_RIGHTS
 *     JRUNENG1 build cwd argc argv... envc env... helperPid   fds: stdin stdout stderr [planW reportR]
 *     JRUNPING | JRUNSTAT | JRUNSTOP                           no fds
 *   engine: 'F' (fall back) | 'A' (accepted; with a helper: committed) ... then 'X' status,
 *           or 'F' (handed back, only without a helper: nothing done); between them 'P' u32 pid
 *           (the init: the client kills it if the engine dies) and 'S' (pass signals to the helper)
 *           to PING/STAT/STOP: text, then EOF
 * </pre>
 */
public final class Engine {
    /** The commands served warm; everything else falls back to the cold path. */
    static final Set<String> WARM = Set.of("state", "list", "start", "kill", "delete", "ps", "features", "pause", "resume", "update", "create", "run", "exec");
    /** The commands served warm only with the client's helper (bin/jrun forks it): the engine forks nothing of a container's. */
    static final Set<String> WITH_HELPER = Set.of("create", "run", "exec");
    /** Flags before the command that take a value (JrunMain's), to find the command word. */
    private static final Set<String> VALUE_FLAGS = Set.of("--root", "--log", "--log-format", "--criu", "--rules", "--oi-rules", "--oi-env", "--oi-env-force");
    private static final int MAX_REQUEST = 1 << 20;
    /** Rounds of InterceptorRequest.warmUp at start (JRUN_ENGINE_WARMUP=0: none): C1 compiles a method after ~200 calls. */
    private static final int WARMUP_ROUNDS = 300;
    /** JRUN_ENGINE_TIMING set when the engine starts: one line of phase times per request in its log. */
    static final boolean TIMING = System.getenv("JRUN_ENGINE_TIMING") != null;

    private final Path socket;
    private final int listenFd;
    private final boolean ownSocket;
    private final String buildId;
    private final long startNanos = System.nanoTime();
    private final String[] ownNs;
    private final int ownUid;
    private final AtomicLong requests = new AtomicLong(), fallbacks = new AtomicLong();
    private final AtomicInteger active = new AtomicInteger();
    private final long[] latencies = new long[4096]; // nanos of the last served requests, a ring
    private long latencyCount;
    private volatile boolean stale, stopping;
    private final Path pidFile;

    private Engine(Path socket, int listenFd, boolean ownSocket, Path pidFile) throws IOException {
        this.socket = socket;
        this.listenFd = listenFd;
        this.ownSocket = ownSocket;
        this.pidFile = pidFile;
        this.buildId = buildId();
        this.ownNs = namespaces(ProcessHandle.current().pid());
        this.ownUid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    /** The socket clients and engine use: JRUN_ENGINE_SOCKET, else /run/jrun/engine.sock. */
    public static Path socketPath() {
        String s = System.getenv("JRUN_ENGINE_SOCKET");
        return Path.of(s != null && !s.isEmpty() ? s : "/run/jrun/engine.sock").toAbsolutePath();
    }

    /**
     * This build's id: the jar's identity (device, inode, size, mtime in ns), which launcher.c's
     * client computes the same way with one stat. Another install, or a rebuild, differs.
     */
    public static String buildId() {
        String lib = System.getProperty("jrun.lib");
        if (lib == null) return "unknown";
        try {
            Map<String, Object> a = Files.readAttributes(Path.of(lib, "jrun.jar"), "unix:dev,ino,size,lastModifiedTime");
            long mtime = ((java.nio.file.attribute.FileTime) a.get("lastModifiedTime")).to(java.util.concurrent.TimeUnit.NANOSECONDS);
            return Long.toHexString((Long) a.get("dev")) + ":" + Long.toHexString((Long) a.get("ino")) + ":" + a.get("size") + ":" + mtime;
        } catch (IOException | UnsupportedOperationException e) {
            return "unknown";
        }
    }

    /**
     * Runs the engine in this thread until stopped: on fd 3 from the service manager (LISTEN_FDS,
     * LISTEN_PID) if given, else on a new socket at socketPath(). Returns the exit status.
     */
    public static int run(Path pidFile, boolean detach, PrintStream log) throws IOException {
        if (!EngineNative.load()) throw new JrunException("engine: libjrun.so not found (-Djrun.lib): the engine needs it for its socket");
        if (detach) EngineNative.setsid0();
        Path socket = socketPath();
        int fd;
        boolean own;
        String lp = System.getenv("LISTEN_PID"), lf = System.getenv("LISTEN_FDS");
        if (lp != null && lf != null && lp.equals(Long.toString(ProcessHandle.current().pid())) && !lf.equals("0")) {
            fd = 3; // socket activation: the manager made the socket (its unit says where and with which mode)
            own = false;
        } else {
            prepareDir(socket.getParent());
            if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
                if (EngineClient.ask(socket, "JRUNPING") != null) throw new JrunException("engine: an engine already answers on " + socket);
                Files.delete(socket); // a dead engine's
            }
            fd = EngineNative.listen(socket.toString());
            own = true;
        }
        Engine e = new Engine(socket, fd, own, pidFile);
        if (pidFile != null) jrun.runtime.StateStore.writeAtomically(pidFile, Long.toString(ProcessHandle.current().pid()));
        log.println("jrun engine: pid " + ProcessHandle.current().pid() + ", build " + e.buildId + ", socket " + socket);
        // Before serving: clients wait in the backlog meanwhile. Not with JRUN_TEST_STOP_AT (tests
        // only), whose steps the warm-up's rewrites would reach before any client's.
        if (!"0".equals(System.getenv("JRUN_ENGINE_WARMUP")) && System.getenv("JRUN_TEST_STOP_AT") == null)
            log.println("jrun engine: " + InterceptorRequest.warmUp(e.buildId, WARMUP_ROUNDS, e::warmRequest));
        log.flush();
        // the warm-up's garbage collected, and the heap's baseline taken, before serving
        System.gc();
        long baseline = Runtime.getRuntime().totalMemory();
        Thread.ofPlatform().daemon().name("jrun-engine-idle-gc").start(() -> e.giveBackWhenIdle(baseline));
        e.serve();
        return 0;
    }

    /**
     * Gives the heap back once idle: when it has grown past its size at start (a burst of requests
     * promoted what they held, and SerialGC grew the old generation rather than collect it) and no
     * request has come for 2 s, a full collection, after which the engine's flags let SerialGC
     * shrink it and uncommit the rest (-Xms12m, MaxHeapFreeRatio 30, no shrinking in steps;
     * engine_client.c). Measured: bursts of 30 concurrent creates took the RSS to 98 MB, which it
     * kept idle, against 56 MB at start.
     */
    private void giveBackWhenIdle(long baseline) {
        long seen = -1;
        int quiet = 0;
        for (;;) {
            sleep(1000);
            long now = requests.get() + fallbacks.get();
            if (now != seen || active.get() > 0) {
                seen = now;
                quiet = 0;
            } else if (++quiet == 2 && Runtime.getRuntime().totalMemory() > baseline + (2 << 20)) {
                System.gc();
            }
        }
    }

    /** The socket's directory: made 0700 if missing; refused if others may write to it. */
    public static void prepareDir(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
        }
        Set<PosixFilePermission> p = Files.getPosixFilePermissions(dir);
        if (p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE))
            throw new JrunException("engine: " + dir + " is writable by others: the socket's directory must be private (0700)");
    }

    private void serve() {
        while (!stopping) {
            int c;
            try {
                c = EngineNative.accept0(listenFd, 5000);
            } catch (IOException ex) {
                if (stopping) break;
                System.err.println("jrun engine: " + ex.getMessage());
                continue;
            }
            active.incrementAndGet();
            long accepted = System.nanoTime();
            // An oci-interceptor rewrite that cannot block is served on this thread, with no
            // thread to wake (about 0.25 ms on a loaded host); the rest on a virtual thread.
            Received now = receiveNow(c);
            if (now != null && InterceptorRequest.inline(now.buf, now.n)) {
                request(c, now, accepted);
                continue;
            }
            Thread.ofVirtual().name("request-" + c).start(() -> request(c, now, accepted));
        }
    }

    /** What handle does with a request before it dispatches it, on a request of the warm-up's (no socket). */
    private void warmRequest(byte[] request) {
        try {
            if (InterceptorRequest.inline(request, request.length) && Arrays.equals(namespaces(ProcessHandle.current().pid()), ownNs))
                fields(-1, request, request.length);
        } catch (IOException e) {
            // not reached: the request is whole
        }
    }

    /** A request's first chunk and the fds that came with it. */
    record Received(byte[] buf, int n, int[] fds) {}

    /** The request if it has come already (clients send it right after the connect), else null. */
    private static Received receiveNow(int c) {
        int[] fds = new int[8];
        Arrays.fill(fds, -1);
        byte[] buf = new byte[16384]; // a request is ~2 KiB: a longer one is read whole on the thread (fields)
        try {
            int n = EngineNative.recvNow0(c, buf, 0, buf.length, fds);
            return n >= 0 ? new Received(buf, n, fds) : null;
        } catch (IOException e) {
            return null; // the thread's receive fails too, and the client falls back
        }
    }

    private void request(int c, Received now, long accepted) {
        try {
            if (TIMING) Timing.start(accepted);
            handle(c, now);
        } catch (Throwable t) { // the engine outlives any one request
            System.err.println("jrun engine: request failed: " + t);
        } finally {
            EngineNative.close0(c);
            if (TIMING) Timing.end();
            if (active.decrementAndGet() == 0 && stale) exit("a client of another build came: exiting so the new build can start");
        }
    }

    private synchronized void exit(String why) {
        System.err.println("jrun engine: " + why);
        System.err.flush();
        if (ownSocket) {
            try {
                Files.deleteIfExists(socket);
            } catch (IOException ignored) {
                // the next engine replaces it
            }
        }
        if (pidFile != null) {
            try {
                Files.deleteIfExists(pidFile);
            } catch (IOException ignored) {
                // stale; `engine start` overwrites it
            }
        }
        Runtime.getRuntime().halt(0);
    }

    private void handle(int c, Received now) throws IOException {
        long t0 = System.nanoTime();
        int[] fds = now != null ? now.fds : new int[8];
        byte[] buf = now != null ? now.buf : new byte[65536];
        int n;
        if (now != null) {
            n = now.n;
        } else {
            Arrays.fill(fds, -1);
            try {
                n = EngineNative.recv0(c, buf, 0, buf.length, fds);
            } catch (IOException e) {
                return; // the client falls back
            }
        }
        if (TIMING) Timing.mark("recv");
        try {
            int[] peer = EngineNative.peer0(c);
            if (peer[1] != 0 && peer[1] != ownUid || !Arrays.equals(namespaces(peer[0]), ownNs)) {
                fellBack(c);
                return;
            }
            if (TIMING) Timing.mark("peer");
            List<String> f = fields(c, buf, n);
            if (f == null) return;
            switch (f.get(0)) {
                case "JRUNPING" -> text(c, "pong " + ProcessHandle.current().pid() + "\n");
                case "JRUNSTAT" -> text(c, status());
                case "JRUNSTOP" -> {
                    stopping = true;
                    text(c, "stopping " + ProcessHandle.current().pid() + "\n");
                    Thread.ofPlatform().start(() -> {
                        for (int i = 0; i < 1000 && active.get() > 1; i++) sleep(10); // this request is one
                        exit("stopped");
                    });
                }
                case "JRUNENG1" -> command(c, f, fds, t0, peer[0]);
                case "JRUNOCI1" -> InterceptorRequest.serve(this, c, f, fds, t0);
                case "JRUNROC1" -> RunOciRequest.serve(this, c, f, fds, t0, peer[0]);
                default -> reply(c, 'F');
            }
        } finally {
            for (int fd : fds) if (fd >= 0) EngineNative.close0(fd);
        }
    }

    private void command(int c, List<String> f, int[] fds, long t0, long peerPid) throws IOException {
        // JRUNENG1 build cwd argc argv... envc env... helperPid
        Request r = Request.of(f);
        String build = r.build(), cwd = r.cwd();
        List<String> argv = r.argv();
        long helper = r.helper(f);
        int nfds = Request.fdCount(fds);
        if (!sameBuild(build)) {
            fellBack(c);
            return;
        }
        String cmd = command(argv);
        if (cmd == null || !WARM.contains(cmd) || !cwd.startsWith("/") || nfds != (helper > 0 ? 5 : 3) || WITH_HELPER.contains(cmd) && helper <= 0) {
            fellBack(c);
            return;
        }
        Invocation inv = invocation(c, fds, r, helper, peerPid);
        // Accepted means committed when the client gave a helper: it may be used from here on, so
        // whatever needs the caller's own process is found before (jrun.cli.WarmCheck).
        String cold = WITH_HELPER.contains(cmd) ? inv.call(() -> jrun.cli.WarmCheck.coldReason(argv)) : null;
        if (cold != null) {
            fellBack(c);
            return;
        }
        reply(c, 'A');
        runAccepted(c, "jrun", inv, helper, () -> jrun.cli.JrunMain.run(argv), t0);
    }

    /**
     * A warm jrun-dialect command's Invocation: the caller's stdio (fds 0-2), the pipes of the
     * helper it forked (fds 3-4) when it gave one, its directory and environment.
     */
    static Invocation invocation(int c, int[] fds, Request r, long helper, long peerPid) {
        PrintStream out = new PrintStream(new BufferedOutputStream(new EngineNative.FdOut(fds[1]), 8192), false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new BufferedOutputStream(new EngineNative.FdOut(fds[2]), 8192), false, StandardCharsets.UTF_8);
        String prefork = helper > 0 ? fds[3] + "," + fds[4] + "," + helper : null;
        // the client is the helper's parent and holds the caller's fds (docs/engine.md, "The caller's fds")
        return Invocation.of(new EngineNative.FdIn(fds[0]), out, err, Path.of(r.cwd()), r.env(), prefork, peerPid, new ToClient(c));
    }

    /**
     * Runs an accepted command ('A' sent) in its Invocation and answers its status ('X'). One that
     * turns out cold-only before doing anything falls back ('F'), unless the client gave a helper:
     * it let that go at 'A' (engine_client.c) and cannot run the command cold any more, so it gets
     * an error line (naming {@code name}, the front-end) and status 70.
     */
    void runAccepted(int c, String name, Invocation inv, long helper, ScopedValue.CallableOp<Integer, RuntimeException> main, long t0)
            throws IOException {
        int status;
        try {
            status = inv.call(main);
        } catch (Invocation.ColdOnly e) {
            jrun.helper.HelperProcess.releaseAdopted(inv);
            inv.out().flush();
            inv.err().flush();
            if (helper > 0) {
                inv.err().println(name + ": the jrun engine cannot run this command (" + e.getMessage() + "): run it with JRUN_ENGINE=off");
                inv.err().flush();
                EngineNative.write0(c, new byte[] {'X', 70}, 0, 2);
                return;
            }
            fellBack(c);
            return;
        }
        jrun.helper.HelperProcess.releaseAdopted(inv);
        inv.out().flush();
        inv.err().flush();
        EngineNative.write0(c, new byte[] {'X', (byte) status}, 0, 2);
        served(t0);
    }

    /** A warm command's messages to its client, on the request's socket, between 'A' and 'X'. */
    record ToClient(int socket) implements Invocation.Client {
        @Override
        public void made(long pid) {
            send(new byte[] {'P', (byte) (pid >>> 24), (byte) (pid >>> 16), (byte) (pid >>> 8), (byte) pid});
        }

        @Override
        public void forwardSignals() {
            send(new byte[] {'S'});
        }

        private synchronized void send(byte[] b) {
            try {
                EngineNative.write0(socket, b, 0, b.length);
            } catch (IOException e) {
                // the client is gone: the command notices on its own
            }
        }
    }

    /** Whether a client is of this build; if not, counts a fallback and exits once idle. */
    boolean sameBuild(String build) {
        if (build.equals(buildId)) return true;
        stale = true;
        return false;
    }

    /** Answers F (the client runs the command cold) and counts it. */
    void fellBack(int c) throws IOException {
        fallbacks.incrementAndGet();
        reply(c, 'F');
    }

    /** Counts a served request and its time since t0. */
    void served(long t0) {
        requests.incrementAndGet();
        record(System.nanoTime() - t0);
    }

    /** The command word of a jrun command line (after the global flags), or null. */
    static String command(List<String> argv) {
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if (!a.startsWith("-")) return a;
            if (VALUE_FLAGS.contains(a)) i++;
        }
        return null;
    }

    /** The request's fields: the rest read after the first chunk, up to the length given first; null if malformed. */
    private List<String> fields(int c, byte[] first, int n) throws IOException {
        if (n < 4) return null;
        int len = java.nio.ByteBuffer.wrap(first, 0, 4).getInt();
        if (len <= 0 || len > MAX_REQUEST) return null;
        byte[] body = new byte[len];
        int have = Math.min(n - 4, len);
        System.arraycopy(first, 4, body, 0, have);
        while (have < len) {
            int r = EngineNative.read0(c, body, have, len - have);
            if (r <= 0) return null;
            have += r;
        }
        List<String> f = new ArrayList<>();
        int s = 0;
        for (int i = 0; i < len; i++) {
            if (body[i] == 0) {
                f.add(new String(body, s, i - s, StandardCharsets.UTF_8));
                s = i + 1;
            }
        }
        return s == len && !f.isEmpty() ? f : null;
    }

    static void reply(int c, char b) throws IOException {
        EngineNative.write0(c, new byte[] {(byte) b}, 0, 1);
    }

    private static void text(int c, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        EngineNative.write0(c, b, 0, b.length);
    }

    private synchronized void record(long nanos) {
        latencies[(int) (latencyCount++ % latencies.length)] = nanos;
    }

    private synchronized String status() {
        int k = (int) Math.min(latencyCount, latencies.length);
        long[] l = Arrays.copyOf(latencies, k);
        Arrays.sort(l);
        return "pid " + ProcessHandle.current().pid() + "\n"
                + "uptime_s " + (System.nanoTime() - startNanos) / 1_000_000_000L + "\n"
                + "build " + buildId + "\n"
                + "socket " + socket + "\n"
                + "requests " + requests.get() + "\n"
                + "fallbacks " + fallbacks.get() + "\n"
                + "p50_ms " + ms(k == 0 ? 0 : l[(k - 1) / 2]) + "\n"
                + "p99_ms " + ms(k == 0 ? 0 : l[(int) Math.min(k - 1, Math.ceil(k * 0.99) - 1)]) + "\n"
                + "rss_kb " + rssKb() + "\n";
    }

    private static String ms(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.3f", nanos / 1e6);
    }

    private static long rssKb() {
        try {
            for (String line : jrun.linux.ProcFiles.read(Path.of("/proc/self/status")).split("\n"))
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException ignored) {
            // unknown
        }
        return -1;
    }

    /** The mount, pid and user namespaces of pid, as /proc links ("mnt:[4026531841]"); nulls if gone. */
    private static String[] namespaces(long pid) {
        String[] r = new String[3];
        String[] kinds = {"mnt", "pid", "user"};
        for (int i = 0; i < 3; i++) {
            try {
                r[i] = Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/" + kinds[i])).toString();
            } catch (IOException e) {
                r[i] = "gone";
            }
        }
        return r;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
