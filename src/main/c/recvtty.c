/*
 * recvtty.c: a test and debugging tool, not part of the runtime. Listens on a unix socket,
 * accepts one connection, receives the pty master a runtime sends (SCM_RIGHTS, the pty name
 * as payload), prints the name on stdout, then relays: its stdin to the pty, the pty to its
 * stdout, until the pty closes. Java has no SCM_RIGHTS API, so the console tests use this.
 *
 *   jrun-recvtty SOCKET_PATH
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: jrun-recvtty SOCKET_PATH\n");
        return 2;
    }
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    if (strlen(argv[1]) >= sizeof a.sun_path) {
        fprintf(stderr, "jrun-recvtty: socket path too long\n");
        return 2;
    }
    strcpy(a.sun_path, argv[1]);
    int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 1) < 0) {
        perror("jrun-recvtty: listen");
        return 1;
    }
    fprintf(stderr, "listening\n");
    int c = accept4(l, NULL, NULL, SOCK_CLOEXEC);
    if (c < 0) {
        perror("jrun-recvtty: accept");
        return 1;
    }
    char name[256], cbuf[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {name, sizeof name - 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
    ssize_t n = recvmsg(c, &msg, MSG_CMSG_CLOEXEC);
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    if (n < 0 || !cm || cm->cmsg_type != SCM_RIGHTS) {
        fprintf(stderr, "jrun-recvtty: no fd received\n");
        return 1;
    }
    name[n] = 0;
    int pty;
    memcpy(&pty, CMSG_DATA(cm), sizeof pty);
    printf("pty %s\n", name);
    fflush(stdout);
    struct pollfd p[2] = {{0, POLLIN, 0}, {pty, POLLIN, 0}};
    char buf[4096];
    for (;;) {
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return 1;
        }
        if (p[0].revents & (POLLIN | POLLHUP)) {
            ssize_t r = read(0, buf, sizeof buf);
            if (r <= 0)
                p[0].fd = -1; /* stdin closed: keep relaying the pty's output */
            else if (write(pty, buf, (size_t)r) < 0)
                return 1;
        }
        if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t r = read(pty, buf, sizeof buf);
            if (r <= 0)
                return 0; /* EIO: the container side closed */
            if (write(1, buf, (size_t)r) < 0)
                return 1;
        }
    }
}
