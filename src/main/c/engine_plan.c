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
#include <arpa/inet.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>

#define ENGINE_SOCKET "/run/jrun/engine.sock"

static int exec_plan(char *buf, size_t len);

/* The build id: the jar's device, inode, size and mtime (jrun.engine.Engine.buildId computes the same). */
static int plan_build_id(const char *lib, char *out, size_t n)
{
    char jar[PATH_MAX];
    struct stat st;
    if (snprintf(jar, sizeof jar, "%s/jrun.jar", lib) >= (int)sizeof jar || stat(jar, &st) < 0)
        return -1;
    snprintf(out, n, "%lx:%lx:%lld:%lld", (unsigned long)st.st_dev, (unsigned long)st.st_ino, (long long)st.st_size,
             (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec);
    return 0;
}

static size_t plan_put(char *buf, size_t at, const char *s)
{
    size_t l = strlen(s) + 1;
    if (buf)
        memcpy(buf + at, s, l);
    return at + l;
}

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
    extern char **environ;
    const char *mode = getenv("JRUN_ENGINE");
    if (mode && strcmp(mode, "off") == 0)
        return;
    const char *path = getenv("JRUN_ENGINE_SOCKET");
    if (!path || !*path)
        path = ENGINE_SOCKET;
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof a.sun_path)
        return;
    strcpy(a.sun_path, path);
    /* The request is made before the connect, so that it follows the connect at once: the engine
     * finds it already there when its accept returns (a few microseconds lost on the cold path). */
    char build[128], cwd[PATH_MAX], num[2][24];
    if (plan_build_id(lib, build, sizeof build) < 0 || !getcwd(cwd, sizeof cwd))
        return;
    int envc = 0;
    while (environ[envc])
        envc++;
    snprintf(num[0], sizeof num[0], "%d", argc - 1);
    snprintf(num[1], sizeof num[1], "%d", envc);
    char *buf = NULL;
    size_t len = 0;
    for (int pass = 0; pass < 2; pass++) { /* size, then fill */
        len = plan_put(buf, 4, "JRUNOCI1");
        len = plan_put(buf, len, build);
        len = plan_put(buf, len, cwd);
        len = plan_put(buf, len, num[0]);
        for (int i = 1; i < argc; i++)
            len = plan_put(buf, len, argv[i]);
        len = plan_put(buf, len, num[1]);
        for (int i = 0; i < envc; i++)
            len = plan_put(buf, len, environ[i]);
        if (!buf && !(buf = malloc(len)))
            return;
    }
    uint32_t body = htonl((uint32_t)(len - 4));
    memcpy(buf, &body, 4);
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) < 0) {
        if (s >= 0)
            close(s); /* no engine: the cold path */
        free(buf);
        return;
    }
    int fds[3] = {0, 1, 2};
    union {
        char b[CMSG_SPACE(sizeof fds)];
        struct cmsghdr align;
    } u;
    memset(&u, 0, sizeof u);
    struct iovec iov = {.iov_base = buf, .iov_len = len};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof u.b};
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof fds);
    memcpy(CMSG_DATA(c), fds, sizeof fds);
    ssize_t sent;
    while ((sent = sendmsg(s, &m, MSG_NOSIGNAL)) < 0 && errno == EINTR)
        ;
    for (size_t at = sent > 0 ? (size_t)sent : len; at < len;) { /* the rest, without fds */
        ssize_t k = send(s, buf + at, len - at, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            sent = -1;
            break;
        }
        at += (size_t)k;
    }
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
