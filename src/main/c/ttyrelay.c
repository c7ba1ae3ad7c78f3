/*
 * ttyrelay.c: jrun-ttyrelay, the terminal of `jrun run` in the foreground when process.terminal
 * is true and no --console-socket is given (runc allocates and relays the pty itself; a JVM
 * cannot receive an fd over SCM_RIGHTS, so this small process does it for jrun).
 *
 *   jrun-ttyrelay SOCKET_PATH          (started by jrun.runtime.TtyRelay, stdio inherited)
 *
 *   1. listen on SOCKET_PATH.tmp, then rename it to SOCKET_PATH: the name exists only once
 *      connecting works, so Java waits for it before the helper connects.
 *   2. accept one connection and receive the pty master (SCM_RIGHTS, the pty name as payload).
 *   3. the host console, as runc picks it: the first of stderr, stdout, stdin that is a terminal,
 *      else /dev/tty, else none. Raw mode on it (output processing kept), its size on the pty
 *      (again on SIGWINCH). runc fails without any terminal; the relay then just copies.
 *   4. no CR before each LF from the pty (ONLCR off, as runc), then copy stdin -> pty and
 *      pty -> stdout until the pty hangs up (every slave fd closed: the container is gone).
 *   5. restore the host console. SIGTERM or SIGHUP: restore and exit at once.
 *
 * Exit status: 0 after the pty hung up, 1 on an error (one line on stderr).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

static int host = -1; /* the host console, or -1 */
static struct termios saved;
static int raw_set;
static volatile sig_atomic_t stop, winch;

static void on_signal(int s)
{
    if (s == SIGWINCH)
        winch = 1;
    else
        stop = 1;
}

static int fail(const char *what)
{
    fprintf(stderr, "jrun-ttyrelay: %s: %s\n", what, strerror(errno));
    return -1;
}

static void restore(void)
{
    if (raw_set)
        tcsetattr(host, TCSADRAIN, &saved);
    raw_set = 0;
}

static void find_host_console(void)
{
    int fds[] = {2, 1, 0};
    for (int i = 0; i < 3; i++)
        if (isatty(fds[i])) {
            host = fds[i];
            return;
        }
    host = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
}

static void resize(int pty)
{
    struct winsize ws;
    if (host >= 0 && ioctl(host, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
        ioctl(pty, TIOCSWINSZ, &ws);
}

static int receive_master(const char *path)
{
    struct sockaddr_un a = {.sun_family = AF_UNIX}, tmp = {.sun_family = AF_UNIX};
    if (strlen(path) + 4 >= sizeof a.sun_path) {
        errno = ENAMETOOLONG;
        return fail(path);
    }
    strcpy(a.sun_path, path);
    snprintf(tmp.sun_path, sizeof tmp.sun_path, "%s.tmp", path);
    unlink(tmp.sun_path);
    int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (l < 0 || bind(l, (struct sockaddr *)&tmp, sizeof tmp) < 0 || listen(l, 1) < 0 ||
        rename(tmp.sun_path, a.sun_path) < 0)
        return fail("listen");
    int c;
    while ((c = accept4(l, NULL, NULL, SOCK_CLOEXEC)) < 0) {
        if (stop) { /* jrun gave up: the container was never made */
            unlink(a.sun_path);
            return -1;
        }
        if (errno != EINTR)
            return fail("accept");
    }
    unlink(a.sun_path);
    close(l);
    char name[256], cbuf[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {name, sizeof name};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
    ssize_t n;
    while ((n = recvmsg(c, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR && !stop)
        ;
    if (n == 0 || stop)
        return -1; /* the container's setup failed before its pty was made: jrun reports that */
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    if (n < 0 || !cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) {
        fprintf(stderr, "jrun-ttyrelay: no pty received on %s\n", path);
        return -1;
    }
    int pty;
    memcpy(&pty, CMSG_DATA(cm), sizeof pty);
    close(c);
    return pty;
}

/* Copies pty -> stdout and stdin -> pty until the pty hangs up. */
static void relay(int pty)
{
    struct pollfd p[2] = {{0, POLLIN, 0}, {pty, POLLIN, 0}};
    char buf[8192];
    int out_ok = 1;
    while (!stop) {
        if (winch) {
            winch = 0;
            resize(pty);
        }
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        if (p[0].revents) {
            ssize_t r = read(0, buf, sizeof buf);
            if (r <= 0)
                p[0].fd = -1; /* stdin ended: keep relaying the pty's output */
            else
                for (ssize_t off = 0, w; off < r; off += w)
                    if ((w = write(pty, buf + off, (size_t)(r - off))) < 0) {
                        if (errno == EINTR) {
                            w = 0;
                            continue;
                        }
                        p[0].fd = -1;
                        break;
                    }
        }
        if (p[1].revents) {
            ssize_t r = read(pty, buf, sizeof buf);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                return; /* EIO: no slave fd is left open */
            for (ssize_t off = 0, w; out_ok && off < r; off += w)
                if ((w = write(1, buf + off, (size_t)(r - off))) < 0) {
                    if (errno == EINTR) {
                        w = 0;
                        continue;
                    }
                    out_ok = 0; /* stdout is gone: keep draining so the container never blocks */
                }
        }
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: jrun-ttyrelay SOCKET_PATH (started by jrun run)\n");
        return 2;
    }
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGWINCH, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* jrun forwards INT and QUIT to the container; the relay goes on until the pty hangs up. */
    signal(SIGINT, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    int pty = receive_master(argv[1]);
    if (pty < 0)
        return 1;
    struct termios t;
    if (tcgetattr(pty, &t) == 0) {
        t.c_oflag &= ~(tcflag_t)ONLCR;
        tcsetattr(pty, TCSANOW, &t);
    }
    find_host_console();
    if (host >= 0 && tcgetattr(host, &saved) == 0) {
        t = saved;
        cfmakeraw(&t);
        t.c_oflag |= OPOST; /* as runc (measured): the host still turns the pty's bare LF into CR LF */
        if (tcsetattr(host, TCSADRAIN, &t) == 0)
            raw_set = 1;
    }
    resize(pty);
    relay(pty);
    restore();
    return 0;
}
