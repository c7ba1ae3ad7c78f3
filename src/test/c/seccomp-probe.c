/*
 * seccomp-probe: the real-kernel check for jrun's seccomp compiler (test tool, not shipped).
 *
 *   seccomp-probe load FILTER FLAGS CMD [ARG...]
 *       PR_SET_NO_NEW_PRIVS, seccomp(SECCOMP_SET_MODE_FILTER, FLAGS, FILTER's sock_filter array),
 *       then exec CMD. Prints "listener fd N" to stderr when FLAGS has NEW_LISTENER.
 *   seccomp-probe calls SPEC...
 *       Makes each syscall in a fresh child and prints one line per SPEC:
 *       "SPEC ret=R errno=E" or "SPEC signal=S". SPEC is NR[,ARG...] (native x86_64 entry), or
 *       iNR[,ARG...] for the i386 entry (int $0x80), numbers in decimal or 0x hex.
 * Built static by SeccompKernelIT so it also runs inside a busybox rootfs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static long parse(const char *s) { return (long)strtoull(s, NULL, 0); }

static int load(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "usage: load FILTER FLAGS CMD...\n"); return 2; }
    static struct sock_filter insns[4096 + 1];
    int fd = open(argv[2], O_RDONLY | O_CLOEXEC);
    if (fd < 0) { perror("open filter"); return 125; }
    ssize_t n = read(fd, insns, sizeof insns);
    close(fd);
    if (n <= 0 || n % 8 != 0 || n > 4096 * 8) { fprintf(stderr, "bad filter size %zd\n", n); return 125; }
    struct sock_fprog prog = { .len = (unsigned short)(n / 8), .filter = insns };
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) { perror("PR_SET_NO_NEW_PRIVS"); return 125; }
    long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, (unsigned long)parse(argv[3]), &prog);
    if (r < 0) { fprintf(stderr, "seccomp: %s\n", strerror(errno)); return 125; }
    if (parse(argv[3]) & SECCOMP_FILTER_FLAG_NEW_LISTENER) fprintf(stderr, "listener fd %ld\n", r);
    execv(argv[4], argv + 4);
    fprintf(stderr, "exec %s: %s\n", argv[4], strerror(errno));
    return 126;
}

static long int80(long nr, long a, long b, long c) {
    long ret;
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
    return ret;
}

static void one(const char *spec) {
    char buf[256];
    snprintf(buf, sizeof buf, "%s", spec);
    int compat = buf[0] == 'i';
    long v[7] = {0};
    int k = 0;
    for (char *save = NULL, *t = strtok_r(buf + compat, ",", &save); t && k < 7; t = strtok_r(NULL, ",", &save)) v[k++] = parse(t);
    int p[2];
    if (pipe(p) != 0) { perror("pipe"); exit(1); }
    fflush(stdout);
    pid_t child = fork();
    if (child < 0) { perror("fork"); exit(1); }
    if (child == 0) {
        close(p[0]);
        long r, e = 0;
        if (compat) {
            r = int80(v[0], v[1], v[2], v[3]);
            if (r < 0 && r > -4096) { e = -r; r = -1; }
        } else {
            errno = 0;
            r = syscall(v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
            e = r == -1 ? errno : 0;
        }
        int clones = compat ? (v[0] == 2 || v[0] == 120 || v[0] == 190) : (v[0] == SYS_clone || v[0] == SYS_fork || v[0] == SYS_vfork);
        if (clones && r == 0) _exit(0); /* a clone that succeeded: this is its child */
        if (clones && r > 0) r = 1;    /* its pid differs between runs */
        if (compat ? (v[0] == 20 || v[0] == 64) : (v[0] == SYS_getpid || v[0] == SYS_getppid)) r = r > 0 ? 1 : r; /* pids differ between runs */
        char out[64];
        int len = snprintf(out, sizeof out, "ret=%ld errno=%ld", r, e);
        if (write(p[1], out, (size_t)len) != len) _exit(3);
        _exit(0);
    }
    close(p[1]);
    char out[64] = {0};
    ssize_t got = read(p[0], out, sizeof out - 1);
    close(p[0]);
    int status;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
    if (WIFSIGNALED(status)) printf("%s signal=%d\n", spec, WTERMSIG(status));
    else if (got > 0) printf("%s %s\n", spec, out);
    else printf("%s exit=%d\n", spec, WEXITSTATUS(status));
}

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "load") == 0) return load(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "calls") == 0) {
        for (int i = 2; i < argc; i++) one(argv[i]);
        fflush(stdout);
        return 0;
    }
    fprintf(stderr, "usage: seccomp-probe load FILTER FLAGS CMD... | calls SPEC...\n");
    return 2;
}
