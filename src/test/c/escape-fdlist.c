/*
 * escape-fdlist: run as a container's process, lists the fds it was given (CVE-2024-21626
 * class), before it opens anything itself: one line "N TARGET" per open fd below 4096, TARGET
 * being the /proc/self/fd link ("?" when unreadable), then "cwd TARGET".
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    char p[64], t[PATH_MAX];
    int open_fds[4096], n = 0;
    for (int fd = 0; fd < 4096; fd++) /* first, so no fd of our own (stdio's buffer, a dir) counts */
        if (fcntl(fd, F_GETFD) >= 0)
            open_fds[n++] = fd;
    for (int i = 0; i < n; i++) {
        snprintf(p, sizeof p, "/proc/self/fd/%d", open_fds[i]);
        ssize_t k = readlink(p, t, sizeof t - 1);
        t[k < 0 ? 0 : k] = 0;
        printf("%d %s\n", open_fds[i], k < 0 ? "?" : t);
    }
    ssize_t k = readlink("/proc/self/cwd", t, sizeof t - 1);
    t[k < 0 ? 0 : k] = 0;
    printf("cwd %s\n", k < 0 ? "?" : t);
    return 0;
}
