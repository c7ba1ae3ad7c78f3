/*
 * bpf-dev-probe: the real-kernel check for jrun's cgroup v2 device program (test tool, not shipped).
 *
 *   bpf-dev-probe PROG CGROUP_DIR CHECK...
 *       Loads PROG (struct bpf_insn array) as BPF_PROG_TYPE_CGROUP_DEVICE (prints the verifier log
 *       and exits 125 if the kernel refuses it), attaches it to CGROUP_DIR, moves a child into
 *       that cgroup and runs each CHECK there, printing "CHECK ok" or "CHECK errno=E":
 *         r:PATH  open read-only      w:PATH  open write-only
 *         m:c:MAJOR:MINOR:PATH  mknod a character device (b: for a block device)
 *       Detaches the program before exiting.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

static char logbuf[1 << 16];

static void check(const char *spec) {
    char buf[512];
    snprintf(buf, sizeof buf, "%s", spec);
    int r;
    if (buf[0] == 'm') {
        char type = buf[2];
        unsigned maj, min;
        char path[400];
        if (sscanf(buf + 4, "%u:%u:%399s", &maj, &min, path) != 3) { printf("%s bad-check\n", spec); return; }
        r = mknod(path, (type == 'b' ? S_IFBLK : S_IFCHR) | 0600, makedev(maj, min));
        if (r == 0) unlink(path);
    } else {
        int fd = open(buf + 2, buf[0] == 'w' ? O_WRONLY : O_RDONLY);
        r = fd < 0 ? -1 : 0;
        if (fd >= 0) close(fd);
    }
    if (r == 0) printf("%s ok\n", spec);
    else printf("%s errno=%d\n", spec, errno);
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: bpf-dev-probe PROG CGROUP_DIR CHECK...\n"); return 2; }
    static struct bpf_insn insns[4096];
    int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
    if (fd < 0) { perror("open prog"); return 125; }
    ssize_t n = read(fd, insns, sizeof insns);
    close(fd);
    if (n <= 0 || n % 8 != 0) { fprintf(stderr, "bad program size %zd\n", n); return 125; }
    union bpf_attr load;
    memset(&load, 0, sizeof load);
    load.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    load.insns = (unsigned long)insns;
    load.insn_cnt = (unsigned)(n / 8);
    load.license = (unsigned long)"Apache-2.0";
    load.log_buf = (unsigned long)logbuf;
    load.log_size = sizeof logbuf;
    load.log_level = 1;
    int prog = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &load, sizeof load);
    if (prog < 0) { fprintf(stderr, "BPF_PROG_LOAD: %s\n%s\n", strerror(errno), logbuf); return 125; }
    int cg = open(argv[2], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cg < 0) { perror("open cgroup"); return 125; }
    union bpf_attr att;
    memset(&att, 0, sizeof att);
    att.target_fd = (unsigned)cg;
    att.attach_bpf_fd = (unsigned)prog;
    att.attach_type = BPF_CGROUP_DEVICE;
    if (syscall(SYS_bpf, BPF_PROG_ATTACH, &att, sizeof att) != 0) { perror("BPF_PROG_ATTACH"); return 125; }
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        char procs[4096];
        snprintf(procs, sizeof procs, "%s/cgroup.procs", argv[2]);
        int p = open(procs, O_WRONLY);
        if (p < 0 || write(p, "0", 1) != 1) { perror("join cgroup"); _exit(125); }
        close(p);
        for (int i = 3; i < argc; i++) check(argv[i]);
        fflush(stdout);
        _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    if (syscall(SYS_bpf, BPF_PROG_DETACH, &att, sizeof att) != 0) { perror("BPF_PROG_DETACH"); return 125; }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 125;
}
