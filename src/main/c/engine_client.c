/*
 * engine_client.c: bin/jrun's and bin/run_oci's side of the jrun engine (docs/engine.md), #included
 * by launcher.c in jrun mode (run_oci's requests say JRUNROC1 instead of JRUNENG1). It asks the resident JVM to run the command and exits with its status, or
 * returns to let the launcher exec the cold JVM as before. No policy: which commands the engine
 * serves is the engine's (Java's) answer, F for "run it cold".
 *
 *   client --connect--> engine socket (JRUN_ENGINE_SOCKET, default /run/jrun/engine.sock)
 *     u32 length, fields "JRUNENG1" build cwd argc argv... envc env... helperPid (NUL-terminated)
 *     + SCM_RIGHTS: stdin stdout stderr [plan-write report-read of the pre-forked helper]
 *   <-- 'F' (cold) | 'A' then 'X' status (exit with it) | 'A' then 'F' (handed back: only without a helper)
 *       between 'A' and 'X': 'P' u32 pid (the init, killed if the engine dies), 'S' (forward signals to the helper)
 *   no socket, refused, or EOF before 'A': cold. 'A' with a helper: committed, our copies of its pipes closed.
 *   EOF after 'A': the engine died: one error line, kill the init and the helper, exit 1.
 */
#include "engine_wire.h"

/* The helper our signals go to once the engine says so ('S'). */
static volatile pid_t engine_forward_to;

static void engine_forward(int sig)
{
    int saved = errno;
    if (engine_forward_to > 0)
        kill(engine_forward_to, sig);
    errno = saved;
}

/* Reads one byte; -1 at EOF or error. */
static int engine_byte(int s)
{
    unsigned char c;
    ssize_t r;
    while ((r = read(s, &c, 1)) < 0 && errno == EINTR)
        ;
    return r == 1 ? c : -1;
}

/* Runs the command in the engine and exits, or returns (cold path). prefork: prefork_helper's flag or NULL. */
static void try_engine(const char *lib, int argc, char **argv, const char *prefork)
{
    struct sockaddr_un a;
    if (engine_address(&a) < 0)
        return;
    int w = -1, r = -1, hpid = 0;
    if (prefork && sscanf(prefork, "-Djrun.helper.prefork=%d,%d,%d", &w, &r, &hpid) != 3)
        return;
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return;
    char helper[24];
    snprintf(helper, sizeof helper, "%d", hpid);
    size_t len = 0;
    char *buf = NULL;
    if (connect(s, (struct sockaddr *)&a, sizeof a) < 0 ||
        !(buf = engine_request(lib, strcmp(LAUNCHER_NAME, "run_oci") == 0 ? "JRUNROC1" : "JRUNENG1", /* RunOciMain's, or JrunMain's */
                               argc, argv, helper, &len))) {
        close(s); /* no engine (the cold path's only cost: a socket and a failed connect) */
        return;
    }
    int fds[ENGINE_MAX_FDS] = {0, 1, 2, w, r};
    int sent = engine_send(s, buf, len, fds, hpid > 0 ? 5 : 3);
    free(buf);
    if (sent < 0 || engine_byte(s) != 'A') {
        close(s); /* refused, another build, or gone before it began: cold */
        return;
    }
    /* Accepted. With a helper that means committed: the engine has the helper's pipes now, and
     * ours go, so that the helper and a half-made init see EOF as soon as the engine is gone. */
    if (hpid > 0) {
        close(w);
        close(r);
    }
    int init = -1; /* a pidfd of the container's init, once the engine names it ('P') */
    for (;;) {
        int x = engine_byte(s);
        if (x == 'X') {
            int status = engine_byte(s);
            if (status >= 0)
                exit(status);
            break;
        }
        if (x == 'F' && hpid <= 0) {
            close(s); /* handed back before it did anything (and no helper was given) */
            return;
        }
        if (x == 'P') {
            unsigned char b[4];
            int ok = 1;
            for (int i = 0; i < 4 && ok; i++) {
                int k = engine_byte(s);
                ok = k >= 0;
                b[i] = (unsigned char)k;
            }
            if (!ok)
                break;
            pid_t p = (pid_t)((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3]);
            if (init >= 0)
                close(init);
            init = (int)syscall(SYS_pidfd_open, p, 0); /* alive now (the engine just heard of it): no reuse from here on */
            continue;
        }
        if (x == 'S' && hpid > 0) { /* a foreground run or exec: our signals go to the helper, which passes them on */
            engine_forward_to = hpid;
            static const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGWINCH};
            struct sigaction sa = {.sa_handler = engine_forward, .sa_flags = SA_RESTART};
            sigemptyset(&sa.sa_mask);
            for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
                sigaction(sigs[i], &sa, NULL);
            continue;
        }
        break; /* EOF, or a byte this client does not know */
    }
    fprintf(stderr, "%s: the jrun engine died during the command (see its log); nothing more was done\n", LAUNCHER_NAME);
    if (init >= 0)
        syscall(SYS_pidfd_send_signal, init, SIGKILL, NULL, 0); /* the half-made container: delete --force removes the rest */
    if (hpid > 0)
        kill(hpid, SIGKILL);
    exit(1);
}

/* Whether this is `jrun engine run` (the engine itself). */
static int engine_run_command(int argc, char **argv)
{
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "engine") == 0 && strcmp(argv[i + 1], "run") == 0)
            return 1;
    return 0;
}

/* `jrun engine run`'s JVM: a long-lived one, so JIT on and a small fixed heap (idle RSS, docs/engine.md):
 * -Xmx48m for the old generation's bursts, a young generation of 8 MB (the default, a third of the
 * heap, was 15 MB of the idle RSS; the live set is 2-4 MB). Compile thresholds at a twentieth: with
 * the defaults, the methods a request runs once (Interceptor.rewrite, InterceptorMain.execute, ...)
 * were still interpreted after 600 requests (-XX:+PrintCompilation; perf put 30% of the engine's CPU
 * in the interpreter), as the interpreter reports calls to the JIT's policy only every 128th time and
 * the warm-up's reports came while the queue was long. glibc keeps what the JIT's compilers malloc
 * and free: trimmed every 2 s, the RSS after 1000 requests was 60-61 MB against 69 untrimmed
 * (jcmd System.trim_native_heap gave back 7 MB). jv has room: java_argv allocates spare slots. */
static void engine_jvm_flags(char **jv, int argc, char **argv)
{
    /* The heap starts small and may shrink again: Engine.giveBackWhenIdle collects once idle. */
    static char *extra[] = {"-Xmn8m", "-Xms12m", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-XX:-ShrinkHeapInSteps",
                            "-XX:CompileThresholdScaling=0.05", "-XX:TrimNativeHeapInterval=2000"};
    size_t n = sizeof extra / sizeof *extra;
    if (!engine_run_command(argc, argv))
        return;
    for (char **a = jv; *a; a++)
        if (strcmp(*a, "-Xint") == 0) {
            *a = "-Xmx48m";
            size_t rest = 0;
            while (a[1 + rest])
                rest++;
            memmove(a + 1 + n, a + 1, (rest + 1) * sizeof *a); /* the NULL too */
            memcpy(a + 1, extra, n * sizeof *a);
            break;
        }
}
