/*
 * engine_plan.c: bin/oci-interceptor's side of the jrun engine (docs/engine.md), #included by
 * launcher.c in plan mode. Where the launcher would fork a JVM for a plan (create, run, restore,
 * an exec with env flags), it first asks the engine for that plan: the engine reads the bundle's
 * config.json, applies the rules, replaces the file atomically and answers with what to exec.
 * The launcher then execs the runtime itself, as after a cold JVM: same pid, every fd intact.
 *
 *   client --connect--> engine socket (JRUN_ENGINE_SOCKET, default /run/jrun/engine.sock)
 *     u32 length, fields "JRUNOCI1" build cwd argc argv... envc env... (NUL-terminated)
 *     + SCM_RIGHTS: stdin stdout stderr (help, warnings and errors go to the caller's)
 *   <-- 'F' (cold) | 'A' then 'P' u32 length plan (exec it) | 'A' then 'X' status (exit with it)
 *   no socket, refused, or EOF before 'A': cold (the JVM, as before). EOF after 'A': the engine
 *   died mid-rewrite: one error line, exit 1 (a rewrite is not safely done twice).
 * The plan is the cold path's own (ExecPlan: JRUNPLAN1 count path argv...), run by exec_plan.
 */
#include "engine_wire.h"

static int exec_plan(char *buf, size_t len);

/* Reads exactly n bytes; 0, or -1 at EOF or error. */
static int plan_read(int s, void *p, size_t n)
{
    for (size_t at = 0; at < n;) {
        ssize_t r = read(s, (char *)p + at, n - at);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        at += (size_t)r;
    }
    return 0;
}

/* Gets the plan from the engine and execs it, or exits with the engine's status; returns for the cold path. */
static void engine_plan(const char *lib, int argc, char **argv)
{
    struct sockaddr_un a;
    if (engine_address(&a) < 0)
        return;
    /* The request is made before the connect, so that it follows the connect at once: the engine
     * finds it already there when its accept returns (a few microseconds lost on the cold path). */
    size_t len;
    char *buf = engine_request(lib, "JRUNOCI1", argc, argv, NULL, &len);
    if (!buf)
        return;
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) < 0) {
        if (s >= 0)
            close(s); /* no engine: the cold path */
        free(buf);
        return;
    }
    int fds[3] = {0, 1, 2};
    int sent = engine_send(s, buf, len, fds, 3);
    free(buf);
    unsigned char b[2];
    if (sent < 0 || plan_read(s, b, 1) < 0 || b[0] != 'A') {
        close(s); /* refused, another build, not served warm, or gone before it began: cold */
        return;
    }
    uint32_t n;
    if (plan_read(s, b, 1) == 0) {
        if (b[0] == 'X' && plan_read(s, b + 1, 1) == 0)
            exit(b[1]);
        if (b[0] == 'P' && plan_read(s, &n, 4) == 0 && (n = ntohl(n)) > 0 && n < PLAN_MAX && (buf = malloc(n))) {
            if (plan_read(s, buf, n) == 0) {
                close(s);
                exit(exec_plan(buf, n));
            }
        }
    }
    fprintf(stderr, "%s: the jrun engine died during the command (see its log); nothing more was done\n", LAUNCHER_NAME);
    exit(1);
}
