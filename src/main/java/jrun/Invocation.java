package jrun;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * One command's world: its stdin, stdout, stderr, working directory, environment and the
 * jrun-helper bin/jrun forked for it. A cold JVM runs one command, whose world is the process's
 * (System.out ... read when asked, so a test's System.setOut is seen); the engine (jrun.engine)
 * binds one per request on that request's thread, where the process's own streams, cwd and
 * environment are the engine's and mean nothing to the caller. Command code asks current().
 */
public final class Invocation {
    private static final ScopedValue<Invocation> CURRENT = ScopedValue.newInstance();
    private static final Invocation PROCESS = new Invocation(null, null, null, null, null, System.getProperty("jrun.helper.prefork"));

    private final InputStream in;
    private final PrintStream out, err;
    private final Path cwd;
    private final Map<String, String> env;
    /** "W,R,PID": the launcher's helper's plan-write and report-read fds and pid; taken once. */
    private String prefork;
    /** The launcher's helper once adopted (HelperProcess.adoptPrefork), until a start takes it. */
    public volatile Object adoptedHelper;
    /** Whether the launcher's helper was adopted: the first helper of this command is the caller's. */
    public volatile boolean launcherHelper;
    /** The caller's pid (the engine's client, the launcher's helper's parent), or 0 for the process's own command. */
    private long callerPid;
    /** The engine's channel back to its client (null for the process's own command). */
    private Client client;

    /**
     * What a warm command tells the client (bin/jrun) while it runs: the client, not the engine,
     * is the container's ancestor and gets the caller's signals.
     */
    public interface Client {
        /** The container's init (or exec'd process) is pid: the client kills it if the engine dies before the command ends. */
        void made(long pid);

        /** From now on the client passes the signals it gets (TERM INT HUP USR1 USR2 WINCH) on to its helper. */
        void forwardSignals();
    }

    private Invocation(InputStream in, PrintStream out, PrintStream err, Path cwd, Map<String, String> env, String prefork) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.cwd = cwd;
        this.env = env;
        this.prefork = prefork;
    }

    /** A request's world (the engine's): cwd absolute, env the caller's. */
    public static Invocation of(InputStream in, PrintStream out, PrintStream err, Path cwd, Map<String, String> env, String prefork) {
        if (!cwd.isAbsolute()) throw new IllegalArgumentException("cwd not absolute: " + cwd);
        return new Invocation(in, out, err, cwd, Map.copyOf(env), prefork);
    }

    /** A request's world with the client that sent it: callerPid is its pid (SO_PEERCRED). */
    public static Invocation of(InputStream in, PrintStream out, PrintStream err, Path cwd, Map<String, String> env, String prefork,
            long callerPid, Client client) {
        Invocation i = of(in, out, err, cwd, env, prefork);
        i.callerPid = callerPid;
        i.client = client;
        return i;
    }

    /**
     * The pid a plan names for the launcher's helper's pidfd_getfd (stdio, --preserve-fds,
     * LISTEN_FDS): the helper's parent, which holds the caller's fds under their own numbers. Cold,
     * this JVM (the launcher exec'd into it); warm, the client (bin/jrun), which forked the helper.
     */
    public long launcherPid() {
        return callerPid > 0 ? callerPid : jrun.linux.ProcFiles.selfPid();
    }

    /** The engine's client, or null for the process's own command. */
    public Client client() {
        return client;
    }

    /** The command's world: the request's in the engine, else the process's. */
    public static Invocation current() {
        return CURRENT.isBound() ? CURRENT.get() : PROCESS;
    }

    /** Runs task with this as current() on this thread. */
    public <T> T call(ScopedValue.CallableOp<T, RuntimeException> task) {
        return ScopedValue.where(CURRENT, this).call(task);
    }

    /** Whether this is an engine request (not the process's own command). */
    public boolean warm() {
        return this != PROCESS;
    }

    public InputStream in() {
        return in != null ? in : System.in;
    }

    public PrintStream out() {
        return out != null ? out : System.out;
    }

    public PrintStream err() {
        return err != null ? err : System.err;
    }

    public Map<String, String> env() {
        return env != null ? env : System.getenv();
    }

    public String env(String name) {
        return env != null ? env.get(name) : System.getenv(name);
    }

    /** A path as the caller meant it: a relative one against the caller's working directory. */
    public Path path(String p) {
        return path(Path.of(p));
    }

    public Path path(Path p) {
        return cwd == null || p.isAbsolute() ? p.toAbsolutePath() : cwd.resolve(p);
    }

    /** A path flag's value as the caller meant it: warm, a relative one resolved against the caller's cwd; cold (and null) unchanged. */
    public static String callers(String p) {
        Invocation inv = current();
        return p == null || !inv.warm() || p.isEmpty() ? p : inv.path(p).toString();
    }

    /** The launcher's helper ("W,R,PID"), once: null after the first call. */
    public synchronized String takePrefork() {
        String p = prefork;
        prefork = null;
        return p;
    }

    /** Thrown before a warm command did anything it must not do in the engine: the client runs it cold. */
    public static final class ColdOnly extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ColdOnly(String why) {
            super(why, null, false, false);
        }
    }

    /** Throws ColdOnly in the engine (why: what needs the caller's own process), else nothing. */
    public static void coldOnly(String why) {
        if (current().warm()) throw new ColdOnly(why);
    }
}
