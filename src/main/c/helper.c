/*
 * helper.c: jrun-helper, the part of jrun that a JVM cannot be.
 *
 * Java (jrun.runtime.Planner) decides everything and compiles config.json into a flat list of
 * steps; this program executes them in order and nothing else. It holds no policy and parses
 * no JSON. Every step either succeeds or reports {step index, errno, message} and exits, so
 * Java can name the config field the step came from.
 *
 * The exchange (jrun.helper.HelperProcess is the other end):
 *
 *   Java (JVM, pid J)                 helper (pid H)                  init (pid C, the container)
 *   spawn H: stdin=plan pipe,
 *            stdout=report pipe
 *   --- plan: magic, version, J,
 *       steps ------------------->   read all; validate every tag
 *                                     GETFD: pidfd_getfd(J, n)  (stdio, --preserve-fds)
 *                                     SETNS / UNSHARE / MKFIFO ...
 *                                     CLONE ------------------------> (new namespaces)
 *   <-- 'P' pid C --------------------'  exit (create) or wait (run)   WAIT_GO
 *   uid/gid maps, cgroup.procs
 *   --- 'S' 1 + 'S' 2 (hook states), 'G' + state JSON --------------->  mounts, devices ...
 *   <-- 'B' (barrier) ------------------------------------------------  BARRIER
 *   prestart/createRuntime/prechroot hooks
 *   --- 'G' --------------------------------------------------------->  HOOK (createContainer)
 *                                                                       PIVOT, identity ...
 *   <-- 'R' (ready) --------------------------------------------------  WAIT_START: read fifo
 *   create returns; later `start` writes one byte to the fifo ------->  HOOK (startContainer)
 *   <-- EOF (the report pipe is close-on-exec) -----------------------  EXEC
 *
 * Any failure: 'E' {step, errno, message}, then exit. Wire format: see read_plan() and
 * helper_ops.h; integers are little-endian, anything unexpected is rejected.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <grp.h>
#include <termios.h>
#include <unistd.h>

#include "helper_ops.h"
#include "sealed_copy.h"

#define PLAN_MAGIC "JRUNHLP1"
#define PLAN_VERSION 4
#define MAX_STEPS 8192
#define MAX_FIELDS 6
#define MAX_FIELD (1u << 20)
/* Our own fds live at or above high_fd, above every fd we hand to the container: 900, or lower
 * when RLIMIT_NOFILE is small (set in main). */
static int high_fd = 900;

enum op {
#define OP(name, code, sig) OP_##name = code,
    HELPER_OPS(OP)
#undef OP
};

static const struct opinfo {
    int code;
    const char *name, *sig;
} OPS[] = {
#define OP(name, code, sig) {code, #name, sig},
    HELPER_OPS(OP)
#undef OP
};

struct field {
    uint32_t len;
    char *data;   /* s, b: NUL-terminated copy */
    uint64_t u;   /* u */
    char **vec;   /* v: NULL-terminated */
};

struct step {
    const struct opinfo *op;
    struct field f[MAX_FIELDS];
};

static struct step *steps;
static uint32_t nsteps;
static uint32_t java_pid;
static int plan_fd = -1, report_fd = -1, java_pidfd = -1;
static int root_fd = AT_FDCWD, fifo_fd = -1, console_fd = -1;
/* The start fifo after `start`'s byte: kept until exec closes it (close-on-exec), so `start`
 * learns the process ran (no reader left) or reads why it did not (fail() writes it here). */
static int started_fd = -1;
/* The init tells the helper it is ready on this pipe: Java's pipes to the helper die with it. */
static int ready_fd = -1;
/* The states Java sent: slot 0 with 'G' (the runtime's view: the seccomp listener's payload),
 * slots 1.. with 'S' (what the HOOK steps naming them give on stdin). Java computes every byte. */
#define STATE_SLOTS 3
static char *state_buf[STATE_SLOTS];
static uint32_t state_len[STATE_SLOTS];
static int cur = -1;

/* Raw syscalls: glibc 2.36 lacks some wrappers, and its headers clash with linux/mount.h. */
struct jr_open_how { uint64_t flags, mode, resolve; };
struct jr_mount_attr { uint64_t attr_set, attr_clr, propagation, userns_fd; };
#define JR_RESOLVE_NO_XDEV 0x01
#define JR_RESOLVE_NO_MAGICLINKS 0x02
#define JR_RESOLVE_NO_SYMLINKS 0x04
#define JR_RESOLVE_BENEATH 0x08
#define JR_RESOLVE_IN_ROOT 0x10
#define JR_OPEN_TREE_CLONE 1
#define JR_MOVE_MOUNT_F_EMPTY_PATH 0x4
#define JR_MOVE_MOUNT_T_EMPTY_PATH 0x40
#define JR_FSCONFIG_SET_FLAG 0
#define JR_FSCONFIG_SET_STRING 1
#define JR_FSCONFIG_CMD_CREATE 6
#define JR_MOUNT_ATTR_RDONLY 0x1
#define JR_CLOSE_RANGE_CLOEXEC 4

/* Returns 0 once written, -1 when nobody reads any more (EPIPE). */
static int report(char kind, int step, int err, uint32_t value, const char *msg)
{
    uint32_t len = msg ? (uint32_t)strlen(msg) : 0;
    unsigned char hdr[20];
    int32_t s = step, e = err;
    memset(hdr, 0, sizeof hdr);
    hdr[0] = (unsigned char)kind;
    memcpy(hdr + 4, &s, 4);
    memcpy(hdr + 8, &e, 4);
    memcpy(hdr + 12, &value, 4);
    memcpy(hdr + 16, &len, 4);
    struct iovec iov[2] = {{hdr, sizeof hdr}, {(void *)msg, len}};
    /* One writev under PIPE_BUF is atomic; an EPIPE (Java is gone) is not our problem here. */
    if (report_fd < 0)
        return -1;
    if (writev(report_fd, iov, msg ? 2 : 1) < 0) {
        if (errno != EPIPE)
            _exit(3);
        return -1;
    }
    return 0;
}

/* Reports the failure of the current step and exits. err 0: msg says it all. */
__attribute__((noreturn, format(printf, 2, 3))) static void fail(int err, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (err && n >= 0 && (size_t)n < sizeof msg)
        snprintf(msg + n, sizeof msg - (size_t)n, ": %s", strerror(err));
    if (started_fd >= 0)
        (void)!write(started_fd, msg, strlen(msg)); /* under PIPE_BUF: whole, and never blocks */
    if (report('E', cur, err, 0, msg) < 0) /* nobody reads it after create returned */
        dprintf(2, "jrun: %s\n", msg);
    _exit(err == ENOENT && cur >= 0 && steps[cur].op->code == OP_EXEC ? 127 : 1);
}

static int keep(int fd) /* moves one of our own fds out of the container's way */
{
    if (fd < 0)
        return fd;
    int high = fcntl(fd, F_DUPFD_CLOEXEC, high_fd);
    if (high < 0)
        fail(errno, "fcntl F_DUPFD_CLOEXEC");
    close(fd);
    return high;
}

/* The plan pipe, buffered: a plan is a few hundred small fields, and one read(2) per field cost
 * about 1 ms per create. After CLONE only the init reads it (the helper's copy of the buffer then
 * holds nothing Java sent later: go messages come after 'P'). */
static char plan_buf[65536];
static size_t plan_at, plan_end;

static int read_plan_bytes(void *buf, size_t n)
{
    char *out = buf;
    while (n) {
        if (plan_at == plan_end) {
            ssize_t r = read(plan_fd, plan_buf, sizeof plan_buf);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                return -1;
            plan_at = 0;
            plan_end = (size_t)r;
        }
        size_t k = plan_end - plan_at < n ? plan_end - plan_at : n;
        memcpy(out, plan_buf + plan_at, k);
        plan_at += k;
        out += k;
        n -= k;
    }
    return 0;
}

static int write_full(int fd, const void *buf, size_t n)
{
    size_t at = 0;
    while (at < n) {
        ssize_t w = write(fd, (const char *)buf + at, n - at);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        at += (size_t)w;
    }
    return 0;
}

__attribute__((noreturn)) static void bad_plan(const char *why)
{
    cur = -1;
    report('E', -1, EPROTO, 0, why);
    dprintf(2, "jrun-helper: malformed plan: %s\n", why);
    _exit(2);
}

static const struct opinfo *find_op(int code)
{
    for (size_t i = 0; i < sizeof OPS / sizeof *OPS; i++)
        if (OPS[i].code == code)
            return &OPS[i];
    return NULL;
}

static void read_field(struct field *f, char type)
{
    if (read_plan_bytes(&f->len, 4) < 0)
        bad_plan("truncated field length");
    if (f->len > MAX_FIELD)
        bad_plan("field too long");
    f->data = malloc(f->len + 1);
    if (!f->data)
        bad_plan("out of memory");
    if (f->len && read_plan_bytes(f->data, f->len) < 0)
        bad_plan("truncated field");
    f->data[f->len] = 0;
    switch (type) {
    case 's':
        if (memchr(f->data, 0, f->len))
            bad_plan("NUL inside a string field");
        break;
    case 'u':
        if (f->len != 8)
            bad_plan("integer field is not 8 bytes");
        memcpy(&f->u, f->data, 8);
        break;
    case 'v': {
        if (f->len && f->data[f->len - 1] != 0)
            bad_plan("vector field not NUL-terminated");
        size_t n = 0;
        for (uint32_t i = 0; i < f->len; i++)
            n += f->data[i] == 0;
        f->vec = calloc(n + 1, sizeof *f->vec);
        if (!f->vec)
            bad_plan("out of memory");
        size_t k = 0;
        for (uint32_t i = 0; i < f->len; i += (uint32_t)strlen(f->data + i) + 1)
            f->vec[k++] = f->data + i;
        break;
    }
    case 'b':
        break;
    default:
        bad_plan("bad signature");
    }
}

/* Appends count steps, read from the plan pipe, to the plan. */
static void read_steps(uint32_t count)
{
    if (count > MAX_STEPS - nsteps)
        bad_plan("too many steps");
    struct step *grown = realloc(steps, (nsteps + count + 1) * sizeof *steps);
    if (!grown)
        bad_plan("out of memory");
    steps = grown;
    memset(steps + nsteps, 0, (count + 1) * sizeof *steps);
    for (uint32_t i = nsteps; i < nsteps + count; i++) {
        uint16_t sh[2];
        if (read_plan_bytes(sh, sizeof sh) < 0)
            bad_plan("truncated step");
        steps[i].op = find_op(sh[0]);
        if (!steps[i].op)
            bad_plan("unknown opcode");
        const char *sig = steps[i].op->sig;
        if (sh[1] != strlen(sig))
            bad_plan("wrong field count for opcode");
        for (size_t k = 0; sig[k]; k++)
            read_field(&steps[i].f[k], sig[k]);
    }
    nsteps += count;
}

/* Header: "JRUNHLP1", u32 version, u32 Java's pid, u32 step count. Step: u16 op, u16 field count,
 * then fields, each u32 length + bytes, exactly as the op's signature says. */
static void read_plan(void)
{
    char magic[8];
    uint32_t hdr[3];
    ssize_t first;
    while ((first = read(plan_fd, plan_buf, sizeof plan_buf)) < 0 && errno == EINTR)
        ;
    if (first == 0)
        _exit(0); /* no plan at all: bin/jrun forked us for a command that needed no helper */
    if (first > 0)
        plan_end = (size_t)first;
    if (first < 0 || read_plan_bytes(magic, 8) < 0 || memcmp(magic, PLAN_MAGIC, 8) != 0)
        bad_plan("bad magic");
    if (read_plan_bytes(hdr, sizeof hdr) < 0)
        bad_plan("truncated header");
    if (hdr[0] != PLAN_VERSION)
        bad_plan("unsupported version");
    java_pid = hdr[1];
    read_steps(hdr[2]);
}

/* MORE, in the init: the rest of the plan, u32 step count then the steps, which Java sends
 * while the helper already runs the first part (cgroup limits, CLONE). Read whole before any
 * of them runs. */
static void read_more(void)
{
    uint32_t count;
    unsigned char first;
    if (read_plan_bytes(&first, 1) < 0)
        _exit(1); /* EOF before any of it: Java gave up (a config error), and reports it itself */
    if (read_plan_bytes((unsigned char *)&count + 1, 3) < 0)
        bad_plan("truncated plan continuation");
    ((unsigned char *)&count)[0] = first;
    read_steps(count);
}

static void read_state(unsigned slot)
{
    uint32_t len;
    if (read_plan_bytes(&len, 4) < 0 || len > MAX_FIELD)
        bad_plan("bad control message");
    if (!len)
        return;
    free(state_buf[slot]);
    state_buf[slot] = malloc(len);
    if (!state_buf[slot] || read_plan_bytes(state_buf[slot], len) < 0)
        bad_plan("truncated state");
    state_len[slot] = len;
}

/* Java -> helper control messages: any number of 'S', u8 slot (1..), u32 length, state JSON;
 * then 'G', u32 length, state JSON for slot 0. A length of 0 keeps a slot's last state. */
static void wait_go(void)
{
    unsigned char kind, slot;
    for (;;) {
        if (read_plan_bytes(&kind, 1) < 0)
            _exit(1); /* Java gave up: it cleans up and reports */
        if (kind == 'G')
            break;
        if (kind != 'S' || read_plan_bytes(&slot, 1) < 0 || slot == 0 || slot >= STATE_SLOTS)
            bad_plan("bad control message");
        read_state(slot);
    }
    read_state(0);
}

static int in_root(const char *path, uint64_t flags)
{
    struct jr_open_how how = {flags | O_CLOEXEC, 0, JR_RESOLVE_IN_ROOT | JR_RESOLVE_NO_MAGICLINKS};
    return (int)syscall(SYS_openat2, root_fd, path, &how, sizeof how);
}

static int in_root_or_fail(const char *path, uint64_t flags)
{
    int fd = in_root(path, flags);
    if (fd < 0)
        fail(errno, "open %s in the rootfs", path);
    return fd;
}

/* Opens the parent directory of path inside the root and points *base at the last component. */
static int parent_in_root(const char *path, char *buf, size_t n, const char **base)
{
    if (snprintf(buf, n, "%s", path) >= (int)n)
        fail(ENAMETOOLONG, "%s", path);
    char *slash = strrchr(buf, '/');
    if (!slash || !slash[1])
        fail(EINVAL, "%s: no file name", path);
    *base = path + (slash - buf) + 1;
    *slash = 0;
    return in_root_or_fail(*buf ? buf : "/", O_PATH | O_DIRECTORY);
}

/* mkdir -p inside the root. A dangling symlink on the way is followed the way the kernel would
 * resolve it inside the root (absolute targets start at the root), so the directories end up
 * inside the rootfs whatever the link says. */
static void mkdirs_depth(const char *path, mode_t mode, int depth)
{
    char buf[4096];
    if (depth > 16)
        fail(ELOOP, "mkdir %s in the rootfs", path);
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        fail(ENAMETOOLONG, "mkdir %s", path);
    size_t len = strlen(buf);
    /* Most destinations exist already, or lack only their last component: start the walk below
     * the deepest directory that exists (one open each, where a walk from / opened every prefix). */
    size_t from = len;
    for (;;) {
        char saved = buf[from];
        buf[from] = 0;
        int fd = in_root(from ? buf : "/", O_PATH | O_DIRECTORY);
        buf[from] = saved;
        if (fd >= 0) {
            /* Only the last component is missing (the usual case): make it here. A fresh
             * directory needs no second look; anything else (EEXIST: a dangling link, say)
             * takes the walk. */
            const char *leaf = buf + from + 1;
            if (from < len && !strchr(leaf, '/') && mkdirat(fd, leaf, mode) == 0) {
                close(fd);
                return;
            }
            close(fd);
            break;
        }
        if (errno != ENOENT || from == 0) {
            from = 0; /* the walk from / reports it */
            break;
        }
        while (from > 0 && buf[--from] != '/')
            ;
    }
    if (from == len)
        return;
    for (size_t i = from + 1; i <= len; i++) {
        if (buf[i] != '/' && buf[i] != 0)
            continue;
        char saved = buf[i];
        buf[i] = 0;
        int fd = in_root(buf, O_PATH | O_DIRECTORY);
        if (fd < 0 && errno == ENOENT) {
            char pbuf[4096], link[4096], next[8192];
            const char *base;
            int parent = parent_in_root(buf, pbuf, sizeof pbuf, &base);
            if (mkdirat(parent, base, mode) < 0 && errno != EEXIST)
                fail(errno, "mkdir %s in the rootfs", buf);
            ssize_t n = readlinkat(parent, base, link, sizeof link - 1);
            close(parent);
            if (n > 0) { /* a dangling symlink: create what it points to, inside the root */
                link[n] = 0;
                const char *rest = saved ? path + i : "";
                if (link[0] == '/')
                    snprintf(next, sizeof next, "%s%s", link, rest);
                else
                    snprintf(next, sizeof next, "%s/%s%s", *pbuf ? pbuf : "", link, rest);
                mkdirs_depth(next, mode, depth + 1);
                return;
            }
            fd = in_root(buf, O_PATH | O_DIRECTORY);
        }
        if (fd < 0)
            fail(errno, "mkdir %s in the rootfs", buf);
        close(fd);
        buf[i] = saved;
    }
}

static void mkdirs(const char *path, mode_t mode) { mkdirs_depth(path, mode, 0); }

static void mkfile(const char *path, mode_t mode)
{
    int fd = in_root(path, O_PATH);
    if (fd >= 0) {
        close(fd);
        return;
    }
    char buf[4096];
    const char *base;
    int parent = parent_in_root(path, buf, sizeof buf, &base);
    fd = openat(parent, base, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0)
        fail(errno, "create %s in the rootfs", path);
    close(fd);
    close(parent);
}

static const char *opt(const char *s) { return *s ? s : NULL; }

static void mount_in_root(struct field *f)
{
    int t = in_root_or_fail(f[1].data, O_PATH);
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", t);
    if (mount(opt(f[0].data), proc, opt(f[2].data), (unsigned long)f[3].u, opt(f[4].data)) < 0)
        fail(errno, "mount %s on %s (type %s)", f[0].data, f[1].data, *f[2].data ? f[2].data : "-");
    close(t);
}

static void move_onto(int tree, int target, const char *what)
{
    if (syscall(SYS_move_mount, tree, "", target, "", JR_MOVE_MOUNT_F_EMPTY_PATH | JR_MOVE_MOUNT_T_EMPTY_PATH) < 0)
        fail(errno, "mount on %s", what);
    close(tree);
}

static void set_attr(int fd, uint64_t set, uint64_t clr, int recursive, const char *what)
{
    struct jr_mount_attr a = {set, clr, 0, 0};
    if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &a, sizeof a) < 0)
        fail(errno, "set mount attributes of %s", what);
}

/* Detached idmapped copies of host trees (IDMAP_TREE, in the helper before CLONE, as root of
 * the source's filesystem must), attached in the container by MOVE_TREE in the same order. */
#define MAX_TREES 64
static int trees[MAX_TREES];
static int ntrees, next_tree;
#define JR_MOUNT_ATTR_IDMAP 0x00100000

static void write_pid_file(pid_t pid, const char *name, const char *text)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
        fail(errno, "write %s", path);
    close(fd);
}

/* A user namespace holding the mount's maps: a child unshares one and waits while we write its
 * maps; its ns fd outlives it. */
static int idmap_userns(const char *uid_map, const char *gid_map)
{
    int sync[2];
    if (pipe2(sync, O_CLOEXEC) < 0)
        fail(errno, "pipe");
    pid_t c = fork();
    if (c < 0)
        fail(errno, "fork");
    if (c == 0) {
        close(sync[0]);
        char ok = unshare(CLONE_NEWUSER) == 0 ? 'u' : 'x';
        if (write(sync[1], &ok, 1) != 1)
            _exit(1);
        for (;;)
            pause(); /* killed once its namespace is held */
    }
    close(sync[1]);
    char ok = 0;
    ssize_t n;
    while ((n = read(sync[0], &ok, 1)) < 0 && errno == EINTR)
        ;
    close(sync[0]);
    int ns = -1, err = EINVAL;
    if (n == 1 && ok == 'u') {
        write_pid_file(c, "uid_map", uid_map);
        write_pid_file(c, "gid_map", gid_map);
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/ns/user", (int)c);
        ns = open(path, O_RDONLY | O_CLOEXEC);
        err = errno;
    }
    kill(c, SIGKILL);
    while (waitpid(c, NULL, 0) < 0 && errno == EINTR)
        ;
    if (ns < 0)
        fail(err, "make the user namespace of an idmapped mount");
    return ns;
}

static void idmap_tree(struct field *f)
{
    if (ntrees >= MAX_TREES)
        fail(E2BIG, "more than %d idmapped mounts", MAX_TREES);
    int recursive = (int)(f[3].u & 1), recursive_map = (int)((f[3].u >> 1) & 1);
    int ns = idmap_userns(f[1].data, f[2].data);
    int t = (int)syscall(SYS_open_tree, AT_FDCWD, f[0].data, JR_OPEN_TREE_CLONE | O_CLOEXEC | (recursive ? AT_RECURSIVE : 0));
    if (t < 0)
        fail(errno, "open_tree %s", f[0].data);
    struct jr_mount_attr a = {JR_MOUNT_ATTR_IDMAP | f[4].u, 0, 0, (uint64_t)ns};
    if (syscall(SYS_mount_setattr, t, "", AT_EMPTY_PATH | (recursive_map ? AT_RECURSIVE : 0), &a, sizeof a) < 0)
        fail(errno, "idmap the mount of %s", f[0].data);
    close(ns);
    trees[ntrees++] = keep(t);
}

static void move_tree(struct field *f)
{
    if (next_tree >= ntrees)
        bad_plan("MOVE_TREE without an IDMAP_TREE");
    int target = in_root_or_fail(f[0].data, O_PATH);
    move_onto(trees[next_tree++], target, f[0].data);
    close(target);
}

/* The rootfs's /dev/null, opened once without following it and checked to be the null device:
 * masks are bound from this fd, never from what a path resolves to when they are made (CVE-2025-31133:
 * an image's or a racing container's symlink made a mask a bind of /proc/sys/kernel/core_pattern). */
static int null_fd = -1;

static int null_in_root(void)
{
    if (null_fd >= 0)
        return null_fd;
    int fd = in_root("/dev/null", O_PATH | O_NOFOLLOW);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0)
        fail(errno, "open /dev/null in the rootfs to mask with");
    if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
        fail(0, "/dev/null in the rootfs is not the null device (char 1:3)%s", S_ISLNK(st.st_mode) ? " but a symlink" : "");
    null_fd = keep(fd);
    return null_fd;
}

static void mask_path(const char *path)
{
    int t = in_root(path, O_PATH);
    if (t < 0 && errno == ENOENT)
        return;
    if (t < 0)
        fail(errno, "open %s in the rootfs", path);
    struct stat st;
    if (fstat(t, &st) < 0)
        fail(errno, "stat %s", path);
    int tree;
    if (S_ISDIR(st.st_mode)) {
        /* A read-only tmpfs named "tmpfs", as runc's masks look in mountinfo. */
        int fs = (int)syscall(SYS_fsopen, "tmpfs", 1 /* FSOPEN_CLOEXEC */);
        if (fs < 0 || syscall(SYS_fsconfig, fs, JR_FSCONFIG_SET_STRING, "source", "tmpfs", 0) < 0 ||
            syscall(SYS_fsconfig, fs, JR_FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0 ||
            syscall(SYS_fsconfig, fs, JR_FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
            fail(errno, "create a tmpfs to mask %s", path);
        tree = (int)syscall(SYS_fsmount, fs, 1 /* FSMOUNT_CLOEXEC */, JR_MOUNT_ATTR_RDONLY);
        close(fs);
    } else {
        tree = (int)syscall(SYS_open_tree, null_in_root(), "", JR_OPEN_TREE_CLONE | O_CLOEXEC | AT_EMPTY_PATH);
    }
    if (tree < 0)
        fail(errno, "prepare the mask for %s", path);
    move_onto(tree, t, path);
    close(t);
}

static void readonly_path(const char *path)
{
    int t = in_root(path, O_PATH);
    if (t < 0 && errno == ENOENT)
        return;
    if (t < 0)
        fail(errno, "open %s in the rootfs", path);
    int tree = (int)syscall(SYS_open_tree, t, "", JR_OPEN_TREE_CLONE | O_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
    if (tree < 0)
        fail(errno, "bind %s", path);
    set_attr(tree, JR_MOUNT_ATTR_RDONLY, 0, 1, path);
    move_onto(tree, t, path);
    close(t);
}

/* A procfs file (a sysctl) under the container's /proc, which must be the root of a procfs, reached
 * with no symlink and no mount on the way (CVE-2025-52881: a mount or a tmpfs of symlinks raced onto
 * /proc redirects the write to another procfs file, /proc/sys/kernel/core_pattern). */
static void write_proc(struct field *f)
{
    int proc = in_root_or_fail("/proc", O_PATH | O_DIRECTORY);
    struct statfs sfs;
    struct stat st;
    if (fstatfs(proc, &sfs) < 0 || fstat(proc, &st) < 0)
        fail(errno, "stat /proc");
    if (sfs.f_type != PROC_SUPER_MAGIC || st.st_ino != 1 /* procfs's root */)
        fail(0, "/proc in the container is not a procfs root: /proc/%s not written", f[0].data);
    struct jr_open_how how = {O_WRONLY | O_CLOEXEC, 0, JR_RESOLVE_BENEATH | JR_RESOLVE_NO_XDEV | JR_RESOLVE_NO_SYMLINKS | JR_RESOLVE_NO_MAGICLINKS};
    int fd = (int)syscall(SYS_openat2, proc, f[0].data, &how, sizeof how);
    if (fd < 0)
        fail(errno, "open /proc/%s (no symlink or mount may be on the way)", f[0].data);
    if (write_full(fd, f[1].data, f[1].len) < 0)
        fail(errno, "write /proc/%s", f[0].data);
    close(fd);
    close(proc);
}

/* Whether this process's user namespace has setgroups(2) denied (its /proc/self/setgroups reads "deny"). */
static int setgroups_denied(void)
{
    char buf[16] = {0};
    int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    return n >= 4 && strncmp(buf, "deny", 4) == 0;
}

static void reset_signals(void)
{
    sigset_t all;
    sigemptyset(&all);
    for (int s = 1; s < NSIG; s++)
        if (s != SIGKILL && s != SIGSTOP)
            signal(s, SIG_DFL);
    sigprocmask(SIG_SETMASK, &all, NULL);
}

static void run_hook(struct field *f)
{
    uint64_t slot = f[4].u;
    if (slot >= STATE_SLOTS)
        fail(EINVAL, "hook %s: state slot %llu", f[0].data, (unsigned long long)slot);
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        fail(errno, "pipe");
    pid_t pid = fork();
    if (pid < 0)
        fail(errno, "fork hook %s", f[0].data);
    if (pid == 0) {
        if (dup2(p[0], 0) < 0 || dup2(2, 1) < 0)
            _exit(126);
        reset_signals();
        char *argv0[] = {f[0].data, NULL};
        execve(f[0].data, f[1].vec[0] ? f[1].vec : argv0, f[2].vec);
        dprintf(2, "jrun: hook %s: %s\n", f[0].data, strerror(errno));
        _exit(127);
    }
    close(p[0]);
    if (state_len[slot] && write_full(p[1], state_buf[slot], state_len[slot]) < 0 && errno != EPIPE)
        fail(errno, "write state to hook %s", f[0].data);
    close(p[1]);
    int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pfd < 0)
        fail(errno, "pidfd_open hook");
    struct pollfd pf = {pfd, POLLIN, 0};
    int timeout = f[3].u ? (int)(f[3].u * 1000) : -1;
    int r;
    while ((r = poll(&pf, 1, timeout)) < 0 && errno == EINTR)
        ;
    if (r == 0)
        kill(pid, SIGKILL);
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            fail(errno, "wait for hook %s", f[0].data);
    close(pfd);
    if (r == 0)
        fail(0, "hook %s timed out after %llu s", f[0].data, (unsigned long long)f[3].u);
    if (WIFSIGNALED(st))
        fail(0, "hook %s killed by signal %d", f[0].data, WTERMSIG(st));
    if (WEXITSTATUS(st) != 0)
        fail(0, "hook %s exited with status %d", f[0].data, WEXITSTATUS(st));
}

static void console(struct field *f)
{
    int m = in_root_or_fail("/dev/ptmx", O_RDWR | O_NOCTTY);
    int unlock = 0, n;
    if (ioctl(m, TIOCSPTLCK, &unlock) < 0 || ioctl(m, TIOCGPTN, &n) < 0)
        fail(errno, "set up the pty");
    int s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (s < 0)
        fail(errno, "open the pty's peer");
    if (f[0].u || f[1].u) {
        struct winsize ws = {.ws_row = (unsigned short)f[0].u, .ws_col = (unsigned short)f[1].u};
        if (ioctl(s, TIOCSWINSZ, &ws) < 0)
            fail(errno, "set the console size");
    }
    char name[64];
    snprintf(name, sizeof name, "/dev/pts/%d", n);
    if (f[2].u) { /* bind the pty over /dev/console: from the peer's fd, never by its name (CVE-2025-52565) */
        int t = in_root_or_fail("/dev/console", O_PATH | O_NOFOLLOW);
        struct stat st;
        if (fstat(t, &st) < 0)
            fail(errno, "stat /dev/console");
        if (S_ISLNK(st.st_mode))
            fail(0, "/dev/console in the rootfs is a symlink: the console is not bound onto what it names");
        int tree = (int)syscall(SYS_open_tree, s, "", JR_OPEN_TREE_CLONE | O_CLOEXEC | AT_EMPTY_PATH);
        if (tree < 0)
            fail(errno, "bind %s", name);
        move_onto(tree, t, "/dev/console");
        close(t);
    }
    /* One message: the pty's name as payload, the master as SCM_RIGHTS (what callers expect). */
    char cbuf[CMSG_SPACE(sizeof(int))];
    memset(cbuf, 0, sizeof cbuf);
    struct iovec iov = {name, strlen(name)};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &m, sizeof m);
    if (sendmsg(console_fd, &msg, 0) < 0)
        fail(errno, "send the pty master to the console socket");
    close(m);
    close(console_fd);
    console_fd = -1;
    if (ioctl(s, TIOCSCTTY, 0) < 0)
        fail(errno, "make the pty the controlling terminal");
    for (int fd = 0; fd < 3; fd++)
        if (dup2(s, fd) < 0)
            fail(errno, "dup2 the pty");
    close(s);
}

static uint64_t start_time_of(uint64_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%llu/stat", (unsigned long long)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = 0;
    char *p = strrchr(buf, ')'); /* the command name may hold spaces and parentheses */
    if (!p)
        return 0;
    for (int field = 2; field < 22 && p; field++)
        p = strchr(p + 1, ' ');
    return p ? strtoull(p + 1, NULL, 10) : 0;
}

static void wait_for_child(pid_t child)
{
    sigset_t all;
    sigfillset(&all);
    if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != (pid_t)java_pid)
        kill(getpid(), SIGTERM); /* Java died already: forward it like any signal below */
    for (;;) {
        siginfo_t si;
        int sig = sigwaitinfo(&all, &si);
        if (sig < 0)
            continue;
        if (sig != SIGCHLD) {
            kill(child, sig);
            continue;
        }
        int st;
        pid_t p;
        while ((p = waitpid(-1, &st, WNOHANG)) > 0) /* our only child is the init */
            if (p == child) {
                /* Java reads our status in /proc/PID/stat, whose exit_code a non-dumpable process
                 * shows only to root: a rootless jrun's helper turns dumpable as it exits (what
                 * the container runs is in a user namespace of its own and cannot ptrace us). */
                if (geteuid() != 0)
                    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
                _exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
            }
    }
}

static void on_term(int sig) { _exit(128 + sig); }

static void do_clone(struct field *f)
{
    sigset_t all, old;
    int ready[2], announced[2];
    if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(announced, O_CLOEXEC) < 0)
        fail(errno, "pipe");
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    /* A new user namespace made without root (rootless): the init is born dumpable (the flag is
     * copied at clone), so that Java, which is not root either, may open its /proc/PID/{uid_map,
     * gid_map,setgroups} as soon as it reads 'P'; the init clears it once they are written
     * (DUMPABLE 0 after WAIT_GO), we at once. runc's rootless init does the same. Root opens a
     * non-dumpable process's files anyway: a root jrun's init is never dumpable (docs/security.md). */
    int userns = (f[0].u & CLONE_NEWUSER) != 0 && geteuid() != 0;
    if (userns && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
        fail(errno, "prctl PR_SET_DUMPABLE");
    pid_t pid;
    if (f[2].len) {
        /* Born in its cgroup v2 directory: clone3(CLONE_INTO_CGROUP) takes the migration lock's
         * cheap read side, where a cgroup.procs write first waits an RCU grace period (6-12 ms). */
        struct { /* struct clone_args (linux/sched.h, which clashes with glibc's sched.h) */
            uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
        } ca;
        int cg = open(f[2].data, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (cg < 0)
            fail(errno, "open cgroup %s", f[2].data);
        memset(&ca, 0, sizeof ca);
        ca.flags = f[0].u | 0x200000000ULL /* CLONE_INTO_CGROUP */;
        ca.exit_signal = SIGCHLD;
        ca.cgroup = (uint64_t)cg;
        pid = (pid_t)syscall(435 /* clone3 */, &ca, sizeof ca);
        int err = errno;
        close(cg);
        if (pid < 0)
            fail(err, "clone into cgroup %s", f[2].data);
    } else
        pid = (pid_t)syscall(SYS_clone, (unsigned long)f[0].u | SIGCHLD, NULL, NULL, NULL, NULL);
    if (pid != 0 && userns)
        prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    if (pid < 0)
        fail(errno, "clone");
    if (pid == 0) {
        /* The init of a new pid namespace ignores signals it has no handler for; runc's
         * init (Go) dies of SIGTERM while waiting for start, so ours does too. */
        prctl(PR_SET_NAME, "jrun:init", 0, 0, 0); /* what ps shows for a created container */
        signal(SIGHUP, on_term);
        signal(SIGINT, on_term);
        signal(SIGQUIT, on_term);
        signal(SIGTERM, on_term);
        sigprocmask(SIG_SETMASK, &old, NULL);
        close(ready[0]);
        if (f[1].u == 2)
            close(ready[1]); /* nobody to tell: the helper is gone */
        else
            ready_fd = keep(ready[1]);
        /* Every report of ours comes after the helper's 'P': without a go to wait for, the
         * init could otherwise report 'R' (or an error) before Java knows its pid. */
        close(announced[1]);
        char c;
        while (read(announced[0], &c, 1) < 0 && errno == EINTR)
            ;
        close(announced[0]);
        return;
    }
    close(ready[1]);
    close(announced[0]);
    if (fifo_fd >= 0) { /* the init's alone: `start` waits until it has no reader left */
        close(fifo_fd);
        fifo_fd = -1;
    }
    report('P', cur, 0, (uint32_t)pid, NULL);
    close(announced[1]); /* EOF: the init goes on */
    if (f[1].u == 2)
        _exit(0); /* Java's pipes outlive us (bin/jrun forked us): the init talks through them alone */
    if (!f[1].u) {
        /* Java's ends of our stdin/stdout are closed by the JDK when we exit, and the init
         * still talks through them: stay until it is ready (a byte) or gone (EOF). */
        char c;
        while (read(ready[0], &c, 1) < 0 && errno == EINTR)
            ;
        _exit(0);
    }
    /* 1: only the init may hold the pipes now: Java reads EOF when it execs. 3: we keep the
     * report pipe until we exit with the child's status, so Java reads EOF then, and its wait
     * for us returns at once (it need not poll our exit). */
    if (f[1].u != 3) {
        close(report_fd);
        report_fd = -1;
    }
    close(plan_fd);
    plan_fd = -1;
    wait_for_child(pid);
}

static void exec_process(struct field *f)
{
    reset_signals();
    int err = ENOENT;
    for (char **c = f[0].vec; *c; c++) {
        execve(*c, f[1].vec, f[2].vec);
        if (errno != ENOENT && errno != ENOTDIR)
            err = errno;
    }
    signal(SIGPIPE, SIG_IGN);
    fail(err, "exec %s", f[1].vec[0] ? f[1].vec[0] : "(no args)");
}

/*
 * Whether EXEC would find the program, checked at create as runc does: the first candidate that
 * is a regular file with an execute bit. After the pivot (or chroot) and chdir, so paths resolve
 * inside the container's root, links included, as the exec's will.
 */
static void lookup(struct field *f)
{
    int err = ENOENT;
    for (char **c = f[0].vec; *c; c++) {
        struct stat st;
        if (stat(*c, &st) < 0) {
            err = errno;
            continue;
        }
        if (S_ISREG(st.st_mode) && (st.st_mode & 0111))
            return;
        err = EACCES;
    }
    if (strchr(f[1].data, '/'))
        fail(err, "exec: \"%s\"", f[1].data);
    fail(0, "exec: \"%s\": executable file not found in $PATH", f[1].data);
}

/* Bounding set first, while we still hold CAP_SETPCAP; caps survive the setuid that follows. */
static void cap_bounding(uint64_t drop)
{
    for (int c = 0; c < 64; c++) {
        if (!(drop & (1ULL << c)))
            continue;
        if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL) /* EINVAL: above cap_last_cap */
            fail(errno, "drop capability %d from the bounding set", c);
    }
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        fail(errno, "prctl keepcaps");
}

static void caps(struct field *f)
{
    if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
        fail(errno, "prctl keepcaps");
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2];
    for (int i = 0; i < 2; i++) {
        d[i].effective = (uint32_t)(f[0].u >> (32 * i));
        d[i].permitted = (uint32_t)(f[1].u >> (32 * i));
        d[i].inheritable = (uint32_t)(f[2].u >> (32 * i));
    }
    if (syscall(SYS_capset, &h, d) < 0)
        fail(errno, "capset");
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
        fail(errno, "clear the ambient set");
    for (int c = 0; c < 64; c++)
        if ((f[3].u & (1ULL << c)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
            fail(errno, "raise ambient capability %d", c);
}

/* linux.seccomp.listenerPath: connected before the pivot, while the host's paths are visible;
 * the host pid is read from the host's /proc, still mounted then. */
static int listener_fd = -1;
static char *listener_head;
static char listener_pid[32];

static void seccomp_listener(struct field *f)
{
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    if (f[0].len >= sizeof a.sun_path)
        fail(ENAMETOOLONG, "seccomp listener %s", f[0].data);
    memcpy(a.sun_path, f[0].data, f[0].len);
    listener_fd = keep(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (listener_fd < 0 || connect(listener_fd, (struct sockaddr *)&a, sizeof a) < 0)
        fail(errno, "connect to the seccomp listener %s", f[0].data);
    ssize_t n = readlink("/proc/self", listener_pid, sizeof listener_pid - 1);
    if (n <= 0)
        fail(errno, "readlink /proc/self");
    listener_pid[n] = 0;
    listener_head = f[1].data;
}

/* The notify fd and runtime-spec's ContainerProcessState: head + pid + the state Java sent. */
static void send_listener(int nfd)
{
    if (listener_fd < 0)
        fail(EINVAL, "SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath (and is not supported for exec)");
    size_t cap = strlen(listener_head) + state_len[0] + 64;
    char *payload = malloc(cap);
    if (!payload)
        fail(ENOMEM, "seccomp listener payload");
    int len = snprintf(payload, cap, "%s,\"pid\":%s,\"state\":%.*s}", listener_head, listener_pid,
                       state_len[0] ? (int)state_len[0] : 2, state_len[0] ? state_buf[0] : "{}");
    char cbuf[CMSG_SPACE(sizeof(int))];
    memset(cbuf, 0, sizeof cbuf);
    struct iovec iov = {payload, (size_t)len};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &nfd, sizeof nfd);
    if (sendmsg(listener_fd, &msg, 0) < 0)
        fail(errno, "send the seccomp notify fd to the listener");
    free(payload);
    close(nfd);
    close(listener_fd);
    listener_fd = -1;
}

static void load_seccomp(struct field *f)
{
    if (f[1].len == 0 || f[1].len % sizeof(struct sock_filter) != 0 || f[1].len / sizeof(struct sock_filter) > 0xffff)
        bad_plan("seccomp filter is not a whole number of instructions");
    struct sock_fprog prog = {(unsigned short)(f[1].len / sizeof(struct sock_filter)), (struct sock_filter *)f[1].data};
    long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, (unsigned)f[0].u, &prog);
    if (r < 0)
        fail(errno, "load the seccomp filter");
    if (f[0].u & SECCOMP_FILTER_FLAG_NEW_LISTENER)
        send_listener((int)r);
}

/* cgroup v2 device control: Java compiled the program (jrun.linux.cgroups.DeviceFilter). */
static void device_prog(struct field *f)
{
    if (f[1].len == 0 || f[1].len % sizeof(struct bpf_insn) != 0)
        bad_plan("device program is not a whole number of instructions");
    union bpf_attr load;
    memset(&load, 0, sizeof load);
    load.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    load.insns = (uint64_t)(uintptr_t)f[1].data;
    load.insn_cnt = f[1].len / (uint32_t)sizeof(struct bpf_insn);
    load.license = (uint64_t)(uintptr_t)"Apache-2.0";
    int prog = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &load, sizeof load);
    if (prog < 0)
        fail(errno, "load the device program for %s", f[0].data);
    int cg = open(f[0].data, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cg < 0)
        fail(errno, "open cgroup %s", f[0].data);
    union bpf_attr att;
    memset(&att, 0, sizeof att);
    att.target_fd = (uint32_t)cg;
    att.attach_bpf_fd = (uint32_t)prog;
    att.attach_type = BPF_CGROUP_DEVICE;
    att.attach_flags = BPF_F_ALLOW_MULTI;
    if (syscall(SYS_bpf, BPF_PROG_ATTACH, &att, sizeof att) < 0)
        fail(errno, "attach the device program to %s", f[0].data);
    close(cg);
    close(prog);
}

/* close_range refused (a seccomp filter jrun itself runs under, say): fcntl each open fd instead. */
static void cloexec_by_list(int from, int err)
{
    int dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0)
        fail(err, "close_range");
    char buf[4096];
    long n;
    while ((n = syscall(SYS_getdents64, dir, buf, sizeof buf)) > 0)
        for (long at = 0; at < n;) {
            struct { uint64_t ino; int64_t off; unsigned short reclen; unsigned char type; char name[]; } *d = (void *)(buf + at);
            int fd = atoi(d->name);
            at += d->reclen;
            if (fd >= from && fd != dir && fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
                fail(errno, "fcntl FD_CLOEXEC on fd %d", fd);
        }
    if (n < 0)
        fail(errno, "read /proc/self/fd");
    close(dir);
}

static void run_step(struct step *s)
{
    struct field *f = s->f;
    switch (s->op->code) {
    case OP_GETFD: {
        if (java_pidfd < 0) {
            if (getppid() != (pid_t)java_pid)
                fail(ESRCH, "the JVM that planned this is not our parent");
            java_pidfd = keep((int)syscall(SYS_pidfd_open, java_pid, 0));
            if (java_pidfd < 0)
                fail(errno, "pidfd_open the JVM");
        }
        if (f[1].u >= (uint64_t)high_fd)
            fail(EMFILE, "fd %llu collides with the helper's own fds (raise RLIMIT_NOFILE)", (unsigned long long)f[1].u);
        int fd = (int)syscall(SYS_pidfd_getfd, java_pidfd, (int)f[0].u, 0);
        if (fd < 0)
            fail(errno, "take fd %llu from the caller", (unsigned long long)f[0].u);
        if (fd == (int)f[1].u) {
            if (fcntl(fd, F_SETFD, 0) < 0)
                fail(errno, "fcntl");
        } else {
            if (dup2(fd, (int)f[1].u) < 0)
                fail(errno, "dup2 to fd %llu", (unsigned long long)f[1].u);
            close(fd);
        }
        break;
    }
    case OP_CONSOLE_SOCKET: {
        struct sockaddr_un a = {.sun_family = AF_UNIX};
        if (f[0].len >= sizeof a.sun_path)
            fail(ENAMETOOLONG, "console socket %s", f[0].data);
        memcpy(a.sun_path, f[0].data, f[0].len);
        console_fd = keep(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
        if (console_fd < 0 || connect(console_fd, (struct sockaddr *)&a, sizeof a) < 0)
            fail(errno, "connect to console socket %s", f[0].data);
        break;
    }
    case OP_MKFIFO:
        if (mknod(f[0].data, S_IFIFO | (mode_t)f[1].u, 0) < 0)
            fail(errno, "mkfifo %s", f[0].data);
        break;
    case OP_OPEN_FIFO:
        fifo_fd = keep(open(f[0].data, O_RDWR | O_CLOEXEC));
        if (fifo_fd < 0)
            fail(errno, "open %s", f[0].data);
        break;
    case OP_SETNS: {
        int fd = open(f[0].data, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || setns(fd, (int)f[1].u) < 0)
            fail(errno, "join namespace %s", f[0].data);
        close(fd);
        break;
    }
    case OP_UNSHARE:
        if (unshare((int)f[0].u) < 0)
            fail(errno, "unshare");
        break;
    case OP_WRITE_FILE: {
        int fd = open(f[0].data, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write_full(fd, f[1].data, f[1].len) < 0)
            fail(errno, "write %s", f[0].data);
        close(fd);
        break;
    }
    case OP_CLONE:
        do_clone(f);
        break;
    case OP_WAIT_GO:
        wait_go();
        break;
    case OP_MORE: /* grows the plan: f points into the old array from here on */
        read_more();
        break;
    case OP_PERSONALITY:
        if (personality((unsigned long)f[0].u) < 0)
            fail(errno, "personality 0x%llx", (unsigned long long)f[0].u);
        break;
    case OP_IOPRIO:
        if (syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0, (int)f[0].u) < 0)
            fail(errno, "ioprio_set 0x%llx", (unsigned long long)f[0].u);
        break;
    case OP_MEMPOLICY: /* maxnode counts one past the mask's last bit, as numactl passes it */
        if (syscall(SYS_set_mempolicy, (int)f[0].u, f[1].len ? (void *)f[1].data : NULL,
                    f[1].len ? (unsigned long)f[1].len * 8 + 1 : 0UL) < 0)
            fail(errno, "set_mempolicy 0x%llx", (unsigned long long)f[0].u);
        break;
    case OP_AFFINITY:
        if (sched_setaffinity(0, f[0].len, (cpu_set_t *)(void *)f[0].data) < 0)
            fail(errno, "sched_setaffinity");
        break;
    case OP_SCHED_ATTR:
        if (f[0].len != 48)
            fail(EINVAL, "sched_attr of %u bytes", f[0].len);
        if (syscall(SYS_sched_setattr, 0, f[0].data, 0) < 0)
            fail(errno, "sched_setattr");
        break;
    case OP_SET_ROOT:
        root_fd = keep(open(f[0].data, O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (root_fd < 0)
            fail(errno, "open rootfs %s", f[0].data);
        break;
    case OP_MKDIRS:
        mkdirs(f[0].data, (mode_t)f[1].u);
        break;
    case OP_MKFILE: {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", f[0].data);
        char *slash = strrchr(dir, '/');
        if (slash && slash != dir) {
            *slash = 0;
            mkdirs(dir, 0755);
        }
        mkfile(f[0].data, (mode_t)f[1].u);
        break;
    }
    case OP_MOUNT:
        mount_in_root(f);
        break;
    case OP_MOUNT_HOST:
        if (mount(opt(f[0].data), f[1].data, opt(f[2].data), (unsigned long)f[3].u, opt(f[4].data)) < 0)
            fail(errno, "mount %s on %s", f[0].data, f[1].data);
        break;
    case OP_DUMPABLE:
        if (prctl(PR_SET_DUMPABLE, (unsigned long)f[0].u, 0, 0, 0) < 0)
            fail(errno, "prctl PR_SET_DUMPABLE");
        break;
    case OP_IDMAP_TREE:
        idmap_tree(f);
        break;
    case OP_MOVE_TREE:
        move_tree(f);
        break;
    case OP_SETATTR: {
        int t = in_root_or_fail(f[0].data, O_PATH);
        set_attr(t, f[1].u, f[2].u, (int)f[3].u, f[0].data);
        close(t);
        break;
    }
    case OP_MKNOD: {
        char buf[4096];
        const char *base;
        int parent = parent_in_root(f[0].data, buf, sizeof buf, &base);
        if (mknodat(parent, base, (mode_t)f[1].u, (dev_t)f[2].u) < 0)
            fail(errno, "mknod %s", f[0].data);
        if (fchownat(parent, base, (uid_t)f[3].u, (gid_t)f[4].u, AT_SYMLINK_NOFOLLOW) < 0)
            fail(errno, "chown %s", f[0].data);
        close(parent);
        break;
    }
    case OP_SYMLINK: {
        char buf[4096];
        const char *base;
        int parent = parent_in_root(f[1].data, buf, sizeof buf, &base);
        if (symlinkat(f[0].data, parent, base) < 0)
            fail(errno, "symlink %s", f[1].data);
        close(parent);
        break;
    }
    case OP_BARRIER:
        report('B', cur, 0, 0, NULL);
        wait_go();
        break;
    case OP_HOOK:
        run_hook(f);
        break;
    case OP_PIVOT: {
        int nr = open(f[0].data, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
        if (nr < 0 || fchdir(nr) < 0)
            fail(errno, "enter rootfs %s", f[0].data);
        /* pivot_root(".", "."): the old root ends up on top of the new one, so it can be
         * detached without a directory for it inside the rootfs. Slave first, so the detach
         * does not propagate to the host. */
        if (syscall(SYS_pivot_root, ".", ".") < 0)
            fail(errno, "pivot_root %s", f[0].data);
        if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0 || umount2(".", MNT_DETACH) < 0)
            fail(errno, "detach the old root");
        if (chdir("/") < 0)
            fail(errno, "chdir /");
        close(nr);
        close(root_fd);
        root_fd = keep(open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
        break;
    }
    case OP_CHROOT:
        if (chdir(f[0].data) < 0 || mount(f[0].data, "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0 ||
            chdir("/") < 0)
            fail(errno, "chroot into %s", f[0].data);
        close(root_fd);
        root_fd = keep(open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
        break;
    case OP_ENTER_ROOT: /* the host's mount namespace: a chroot, nothing moved over the host's / */
        if ((*f[0].data ? chdir(f[0].data) : fchdir(root_fd)) < 0 || chroot(".") < 0 || chdir("/") < 0)
            fail(errno, "chroot into %s", *f[0].data ? f[0].data : "the rootfs");
        close(root_fd);
        root_fd = keep(open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
        break;
    case OP_BIND_ROOT: {
        /* The host's mount namespace: the rootfs (a realpath) is opened once with no symlink on the
         * way, a copy of it is attached on that very directory and given its propagation there,
         * and that copy is the root: no path is looked up again, so a swapped symlink cannot send
         * any of the container's mounts onto a host directory. */
        struct { uint64_t flags, mode, resolve; } how = {O_PATH | O_DIRECTORY | O_CLOEXEC, 0, JR_RESOLVE_NO_SYMLINKS};
        int dir = (int)syscall(SYS_openat2, AT_FDCWD, f[0].data, &how, sizeof how);
        if (dir < 0)
            fail(errno, "open rootfs %s", f[0].data);
        int tree = (int)syscall(SYS_open_tree, dir, "", JR_OPEN_TREE_CLONE | O_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
        if (tree < 0 || syscall(SYS_move_mount, tree, "", dir, "", JR_MOVE_MOUNT_F_EMPTY_PATH | JR_MOVE_MOUNT_T_EMPTY_PATH) < 0)
            fail(errno, "bind rootfs %s onto itself", f[0].data);
        struct jr_mount_attr a = {0, 0, f[1].u, 0};
        if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof a) < 0)
            fail(errno, "set the propagation of rootfs %s", f[0].data);
        close(dir);
        if (root_fd >= 0)
            close(root_fd);
        root_fd = keep(tree);
        break;
    }
    case OP_SETHOSTNAME:
        if (sethostname(f[0].data, f[0].len) < 0)
            fail(errno, "sethostname %s", f[0].data);
        break;
    case OP_SETDOMAINNAME:
        if (setdomainname(f[0].data, f[0].len) < 0)
            fail(errno, "setdomainname %s", f[0].data);
        break;
    case OP_CONSOLE:
        console(f);
        break;
    case OP_RLIMIT: {
        struct rlimit rl = {(rlim_t)f[1].u, (rlim_t)f[2].u};
        if (setrlimit((int)f[0].u, &rl) < 0)
            fail(errno, "setrlimit %llu", (unsigned long long)f[0].u);
        break;
    }
    case OP_NO_NEW_PRIVS:
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
            fail(errno, "prctl no_new_privs");
        break;
    case OP_SETGROUPS: {
        size_t n = 0;
        while (f[0].vec[n])
            n++;
        gid_t *g = calloc(n + 1, sizeof *g);
        if (!g)
            fail(ENOMEM, "setgroups");
        for (size_t i = 0; i < n; i++) {
            char *end;
            errno = 0;
            unsigned long v = strtoul(f[0].vec[i], &end, 10);
            if (errno || *end || end == f[0].vec[i])
                bad_plan("bad gid");
            g[i] = (gid_t)v;
        }
        /* In a user namespace whose gid_map an unprivileged user wrote, setgroups is denied
         * (user_namespaces(7)): an empty list is then already what the process has (the
         * namespace began with none of the host's groups usable), so it is skipped. */
        if (setgroups(n, g) < 0 && !(errno == EPERM && n == 0 && setgroups_denied()))
            fail(errno, "setgroups");
        free(g);
        break;
    }
    case OP_SETGID:
        if (setresgid((gid_t)f[0].u, (gid_t)f[0].u, (gid_t)f[0].u) < 0)
            fail(errno, "setgid %llu", (unsigned long long)f[0].u);
        break;
    case OP_SETUID:
        if (setresuid((uid_t)f[0].u, (uid_t)f[0].u, (uid_t)f[0].u) < 0)
            fail(errno, "setuid %llu", (unsigned long long)f[0].u);
        break;
    case OP_UMASK:
        umask((mode_t)f[0].u);
        break;
    case OP_CHDIR:
        if (chdir(f[0].data) < 0)
            fail(errno, "chdir %s", f[0].data);
        break;
    case OP_WAIT_START: {
        /* Java gone (EPIPE): nothing recorded this container, and nothing would start or delete it */
        if (report('R', cur, 0, 0, NULL) < 0)
            _exit(1);
        if (ready_fd >= 0 && (write(ready_fd, "R", 1) < 0 || close(ready_fd) < 0))
            fail(errno, "tell the helper we are ready");
        ready_fd = -1;
        char c;
        ssize_t r;
        while ((r = read(fifo_fd, &c, 1)) < 0 && errno == EINTR)
            ;
        if (r != 1)
            fail(r < 0 ? errno : EPIPE, "wait for start");
        started_fd = fifo_fd;
        fifo_fd = -1;
        break;
    }
    case OP_CLOSE_FDS:
        if (syscall(SYS_close_range, (unsigned)f[0].u, ~0U, JR_CLOSE_RANGE_CLOEXEC) < 0)
            cloexec_by_list((int)f[0].u, errno);
        break;
    case OP_EXEC:
        exec_process(f);
        break;
    case OP_LOOKUP:
        lookup(f);
        break;
    case OP_SETSID:
        if (setsid() < 0)
            fail(errno, "setsid");
        break;
    case OP_SIGNAL: {
        int pfd = (int)syscall(SYS_pidfd_open, (pid_t)f[0].u, 0);
        if (pfd < 0)
            fail(errno, "pidfd_open %llu", (unsigned long long)f[0].u);
        /* The pidfd pins the process, so the start time read after it cannot be a new one's. */
        if (f[1].u && start_time_of(f[0].u) != f[1].u)
            fail(ESRCH, "process %llu", (unsigned long long)f[0].u);
        if (syscall(SYS_pidfd_send_signal, pfd, (int)f[2].u, NULL, 0) < 0)
            fail(errno, "signal %llu", (unsigned long long)f[0].u);
        close(pfd);
        break;
    }
    case OP_MASK:
        mask_path(f[0].data);
        break;
    case OP_READONLY:
        readonly_path(f[0].data);
        break;
    case OP_WRITE_PROC:
        write_proc(f);
        break;
    case OP_JOIN_KEYRING:
        if (syscall(SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, f[0].data) < 0)
            fail(errno, "join a new session keyring %s", f[0].data);
        break;
    case OP_CAP_BOUNDING:
        cap_bounding(f[0].u);
        break;
    case OP_CAPS:
        caps(f);
        break;
    case OP_SECCOMP:
        load_seccomp(f);
        break;
    case OP_DEVICE_PROG:
        device_prog(f);
        break;
    case OP_SECCOMP_LISTENER:
        seccomp_listener(f);
        break;
    default:
        bad_plan("opcode without an implementation");
    }
}

/*
 * `jrun-helper --exec PATH ARGV0 [ARG...]`: execv(PATH) with argv[0] = ARGV0. Java runs host-side
 * hooks through this when args[0] differs from path (ProcessBuilder cannot set argv[0]). If the
 * exec fails, the only output is EXEC_FAILED + the reason, and the status is 127 (HookRunner).
 */
#define EXEC_FAILED "jrun-helper: cannot exec: "
static int exec_argv0(char **argv)
{
    execv(argv[0], argv + 1);
    dprintf(2, EXEC_FAILED "%s\n", strerror(errno));
    return 127;
}

/* CVE-2019-5736 (sealed_copy.h): the helper never runs from its file. bin/jrun starts it from a
 * sealed copy; started any other way, it execs one. */
static void run_sealed_copy(char **argv)
{
    int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (self < 0)
        fail(errno, "open /proc/self/exe");
    if (jr_is_sealed(self)) {
        close(self);
        return;
    }
    int copy = jr_sealed_copy(self);
    if (copy < 0)
        fail(errno, "make a sealed copy of jrun-helper");
    syscall(SYS_execveat, copy, "", argv, environ, AT_EMPTY_PATH);
    fail(errno, "exec the sealed copy of jrun-helper");
}

int main(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[1], "--exec") == 0)
        return exec_argv0(argv + 2);
    if (argc != 1 || isatty(0)) {
        dprintf(2, "jrun-helper: runs only under jrun (it reads a binary plan on stdin)\n");
        return 2;
    }
    struct rlimit nofile;
    if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < 1000)
        high_fd = nofile.rlim_cur > 64 ? (int)nofile.rlim_cur - 32 : 32;
    report_fd = 1; /* for a failure here; the copy starts afresh */
    run_sealed_copy(argv);
    prctl(PR_SET_NAME, "jrun-helper", 0, 0, 0); /* what ps shows, not the sealed copy's memfd name */
    /* Nothing a container runs may ptrace us or open our /proc/PID files (fds, exe) before
     * the exec of its process, which resets this. */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        fail(errno, "prctl PR_SET_DUMPABLE");
    /* The plan and report pipes move out of the way; 0 and 1 hold /dev/null until GETFD. */
    plan_fd = keep(dup(0));
    report_fd = keep(dup(1));
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (plan_fd < 0 || report_fd < 0 || null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0)
        return 3;
    close(null);
    signal(SIGPIPE, SIG_IGN);
    umask(0);
    read_plan();
    for (uint32_t i = 0; i < nsteps; i++) {
        cur = (int)i;
        run_step(&steps[i]);
    }
    return 0;
}
