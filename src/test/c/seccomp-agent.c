/*
 * seccomp-agent.c: a test tool, not part of the runtime. Listens on a unix socket, receives one
 * seccomp notify fd (SCM_RIGHTS) with runtime-spec's ContainerProcessState as payload, prints the
 * payload on stdout, then answers every notification with -EXDEV until the fd closes.
 *
 *   seccomp-agent SOCKET_PATH
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 2) { fprintf(stderr, "usage: seccomp-agent SOCKET_PATH\n"); return 2; }
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    if (strlen(argv[1]) >= sizeof a.sun_path) return 2;
    strcpy(a.sun_path, argv[1]);
    int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 1) < 0) { perror("listen"); return 1; }
    fprintf(stderr, "listening\n");
    int c = accept4(l, NULL, NULL, SOCK_CLOEXEC);
    if (c < 0) { perror("accept"); return 1; }
    static char buf[65536];
    char cbuf[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {buf, sizeof buf - 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
    ssize_t n = recvmsg(c, &msg, MSG_CMSG_CLOEXEC);
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    if (n < 0 || !cm || cm->cmsg_type != SCM_RIGHTS) { fprintf(stderr, "no fd received\n"); return 1; }
    buf[n] = 0;
    int fd;
    memcpy(&fd, CMSG_DATA(cm), sizeof fd);
    printf("%s\n", buf);
    fflush(stdout);
    struct seccomp_notif_sizes sz;
    if (syscall(__NR_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) < 0) { perror("sizes"); return 1; }
    struct seccomp_notif *req = calloc(1, sz.seccomp_notif);
    struct seccomp_notif_resp *resp = calloc(1, sz.seccomp_notif_resp);
    for (;;) {
        memset(req, 0, sz.seccomp_notif);
        if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
            if (errno == EINTR) continue;
            return 0; /* the container is gone */
        }
        memset(resp, 0, sz.seccomp_notif_resp);
        resp->id = req->id;
        resp->error = -EXDEV;
        ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, resp);
        fprintf(stderr, "answered syscall %d\n", req->data.nr);
    }
}
