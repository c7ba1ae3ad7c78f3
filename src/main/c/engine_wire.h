/*
 * engine_wire.h: the client side of the jrun engine's request, shared by engine_client.c (bin/jrun,
 * bin/run_oci) and engine_plan.c (bin/oci-interceptor), one of which launcher.c #includes per mode.
 * A request: u32 length, then NUL-terminated fields MAGIC build cwd argc argv... envc env... [last],
 * sent with the caller's fds (SCM_RIGHTS) in its first chunk (docs/engine.md).
 */
#ifndef JRUN_ENGINE_WIRE_H
#define JRUN_ENGINE_WIRE_H

#include <arpa/inet.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>

#define ENGINE_SOCKET "/run/jrun/engine.sock"
#define ENGINE_MAX_FDS 5

/* The engine's address into a; -1 when JRUN_ENGINE=off or the path does not fit (the cold path). */
static int engine_address(struct sockaddr_un *a)
{
    const char *mode = getenv("JRUN_ENGINE");
    if (mode && strcmp(mode, "off") == 0)
        return -1;
    const char *path = getenv("JRUN_ENGINE_SOCKET");
    if (!path || !*path)
        path = ENGINE_SOCKET;
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof a->sun_path)
        return -1;
    strcpy(a->sun_path, path);
    return 0;
}

/* The build id: the jar's device, inode, size and mtime (jrun.engine.Engine.buildId computes the same). */
static int engine_build_id(const char *lib, char *out, size_t n)
{
    char jar[PATH_MAX];
    struct stat st;
    if (snprintf(jar, sizeof jar, "%s/jrun.jar", lib) >= (int)sizeof jar || stat(jar, &st) < 0)
        return -1;
    snprintf(out, n, "%lx:%lx:%lld:%lld", (unsigned long)st.st_dev, (unsigned long)st.st_ino, (long long)st.st_size,
             (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec);
    return 0;
}

static size_t engine_put(char *buf, size_t at, const char *s)
{
    size_t l = strlen(s) + 1;
    if (buf)
        memcpy(buf + at, s, l);
    return at + l;
}

/*
 * The request for this command line (argv[1..]) and the whole environment (the engine picks what it
 * reads: no list here to keep in step), with last (or nothing) as its final field. Malloc'd, its
 * length in *len; NULL if the build id, cwd or memory cannot be had.
 */
static char *engine_request(const char *lib, const char *magic, int argc, char **argv, const char *last, size_t *len)
{
    extern char **environ;
    char build[128], cwd[PATH_MAX], num[2][24];
    if (engine_build_id(lib, build, sizeof build) < 0 || !getcwd(cwd, sizeof cwd))
        return NULL;
    int envc = 0;
    while (environ[envc])
        envc++;
    snprintf(num[0], sizeof num[0], "%d", argc - 1);
    snprintf(num[1], sizeof num[1], "%d", envc);
    char *buf = NULL;
    size_t n = 0;
    for (int pass = 0; pass < 2; pass++) { /* size, then fill */
        n = engine_put(buf, 4, magic);
        n = engine_put(buf, n, build);
        n = engine_put(buf, n, cwd);
        n = engine_put(buf, n, num[0]);
        for (int i = 1; i < argc; i++)
            n = engine_put(buf, n, argv[i]);
        n = engine_put(buf, n, num[1]);
        for (int i = 0; i < envc; i++)
            n = engine_put(buf, n, environ[i]);
        if (last)
            n = engine_put(buf, n, last);
        if (!buf && !(buf = malloc(n)))
            return NULL;
    }
    uint32_t body = htonl((uint32_t)(n - 4));
    memcpy(buf, &body, 4);
    *len = n;
    return buf;
}

/* Sends the request, nfds fds (at most ENGINE_MAX_FDS) with its first chunk, the rest after; 0 or -1. */
static int engine_send(int s, char *buf, size_t len, const int *fds, int nfds)
{
    union {
        char b[CMSG_SPACE(ENGINE_MAX_FDS * sizeof(int))];
        struct cmsghdr align;
    } u;
    memset(&u, 0, sizeof u);
    struct iovec iov = {.iov_base = buf, .iov_len = len};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = CMSG_SPACE(nfds * sizeof(int))};
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
    memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
    ssize_t sent;
    while ((sent = sendmsg(s, &m, MSG_NOSIGNAL)) < 0 && errno == EINTR)
        ;
    if (sent < 0)
        return -1;
    for (size_t at = (size_t)sent; at < len;) { /* the rest, without fds */
        ssize_t k = send(s, buf + at, len - at, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        at += (size_t)k;
    }
    return 0;
}

#endif
