/*
 * escape-procspy SECONDS [STOPFILE]: an attacker inside a container (CVE-2016-9962 class). For
 * SECONDS, or until STOPFILE exists, it scans /proc over and over for processes other than
 * itself, pid 1 and its parent, and tries to reach each through /proc: read the links in
 * /proc/PID/fd, open /proc/PID/exe, environ, mem, root and cwd. A process counts as the
 * runtime's while its exe is no file of this container (the link names no file we can stat
 * with the same inode); while it may not even be read, the process is seen but nothing leaks.
 *
 * Output, one line each: "start" first (the attempt began); "seen PID EXE" once per process seen
 * in its runtime phase (EXE "?" when unreadable); "LEAK PID WHAT DETAIL" once per process and
 * kind of thing reached (of a runtime process anything, of a container process an fd >= 3);
 * "end SCANS" last. The test fails on any LEAK.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_SEEN 65536
static unsigned char seen[MAX_SEEN];

/* The exe link's target, or "" when it cannot be read. */
static void exe_of(int pid, char *out, size_t n)
{
    char p[64];
    snprintf(p, sizeof p, "/proc/%d/exe", pid);
    ssize_t k = readlink(p, out, n - 1);
    out[k < 0 ? 0 : k] = 0;
}

/* Whether the target names a file of this container: the same inode seen through the link. */
static int ours(int pid, const char *target)
{
    char p[64];
    struct stat a, b;
    snprintf(p, sizeof p, "/proc/%d/exe", pid);
    return *target && stat(target, &a) == 0 && stat(p, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* One LEAK line per process and kind: a process that waits is probed again on every scan. */
static void report(int pid, const char *what, const char *detail)
{
    static char done[256][48];
    static unsigned ndone;
    char key[48];
    snprintf(key, sizeof key, "%d %s", pid, what);
    for (unsigned i = 0; i < ndone; i++)
        if (strcmp(done[i], key) == 0)
            return;
    if (ndone < 256)
        snprintf(done[ndone++], sizeof key, "%s", key);
    printf("LEAK %s %s\n", key, detail);
}

static void probe(int pid)
{
    char exe[PATH_MAX], after[PATH_MAX], p[96], link[PATH_MAX];
    exe_of(pid, exe, sizeof exe);
    int runtime = *exe && !ours(pid, exe);
    /* Seen in its runtime phase: an exe we may not read, or one that is no file of ours. */
    if ((runtime || !*exe) && pid < MAX_SEEN && !seen[pid]) {
        seen[pid] = 1;
        printf("seen %d %s\n", pid, *exe ? exe : "?");
    }
    /* The fds: every target read of a runtime process is a leak; of a container process, any fd
     * >= 3 is (numbers alone, without a target, reach nothing). */
    snprintf(p, sizeof p, "/proc/%d/fd", pid);
    DIR *d = opendir(p);
    char found[4096] = "";
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue;
            int fd = atoi(e->d_name);
            snprintf(p, sizeof p, "/proc/%d/fd/%d", pid, fd);
            ssize_t k = readlink(p, link, sizeof link - 1);
            if (k <= 0 || !(runtime || fd >= 3))
                continue;
            link[k] = 0;
            if (strlen(found) + strlen(link) + 16 < sizeof found)
                snprintf(found + strlen(found), sizeof found - strlen(found), " %d->%s", fd, link);
        }
        closedir(d);
    }
    exe_of(pid, after, sizeof after);
    /* Only what was reached while the exe was the runtime's, before and after, is the runtime's. */
    int still = runtime && strcmp(exe, after) == 0;
    if (*found && (still || !runtime))
        report(pid, "fd", found);
    if (!still)
        return;
    snprintf(p, sizeof p, "/proc/%d/exe", pid);
    int fd = open(p, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        report(pid, "exe", exe);
        close(fd);
    }
    static const char *files[] = {"environ", "mem", "root/", "cwd/"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(p, sizeof p, "/proc/%d/%s", pid, files[i]);
        fd = open(p, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        exe_of(pid, after, sizeof after);
        if (strcmp(exe, after) == 0)
            report(pid, files[i], "opened");
        close(fd);
    }
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 5;
    const char *stop = argc > 2 ? argv[2] : NULL;
    int self = getpid(), parent = getppid();
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("start\n");
    long scans = 0;
    do {
        DIR *d = opendir("/proc");
        if (!d) {
            perror("opendir /proc");
            return 1;
        }
        struct dirent *e;
        while ((e = readdir(d))) {
            int pid = atoi(e->d_name);
            if (pid > 1 && pid != self && pid != parent)
                probe(pid);
        }
        closedir(d);
        scans++;
        clock_gettime(CLOCK_MONOTONIC, &t);
    } while ((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 < seconds && !(stop && access(stop, F_OK) == 0));
    printf("end %ld\n", scans);
    return 0;
}
