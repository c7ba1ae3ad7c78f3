/*
 * mount-chain NSFILE: enters the mount namespace NSFILE (/proc/PID/ns/mnt) and prints, one line per
 * mount, its root's mount and then each parent in turn down to the namespace's base (the mount
 * that is its own parent): "ID MAGIC", ID as /proc/PID/mountinfo numbers it, MAGIC the file
 * system's magic in hex. mountinfo cannot show this: it lists only what is reachable from the
 * root, and the mounts under a chroot's root are not. Needs statmount (Linux 6.8).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define STATX_MNT_ID_UNIQUE 0x4000
#define STATMOUNT_SB_BASIC 0x1
#define STATMOUNT_MNT_BASIC 0x2
#define NR_statmount 457

struct mnt_id_req { /* MNT_ID_REQ_SIZE_VER0 */
    uint32_t size, spare;
    uint64_t mnt_id, param;
};

struct statmount_head { /* the leading fields of struct statmount (linux/mount.h) */
    uint32_t size, mnt_opts;
    uint64_t mask;
    uint32_t sb_dev_major, sb_dev_minor;
    uint64_t sb_magic;
    uint32_t sb_flags, fs_type;
    uint64_t mnt_id, mnt_parent_id;
    uint32_t mnt_id_old, mnt_parent_id_old;
    uint64_t more[64];
};

int main(int argc, char **argv)
{
    int ns = argc == 2 ? open(argv[1], O_RDONLY | O_CLOEXEC) : -1;
    if (ns < 0 || setns(ns, CLONE_NEWNS) < 0) {
        perror("mount-chain: setns");
        return 1;
    }
    struct statx sx;
    if (statx(AT_FDCWD, "/", 0, STATX_MNT_ID_UNIQUE, &sx) < 0 || !(sx.stx_mask & STATX_MNT_ID_UNIQUE)) {
        perror("mount-chain: statx / STATX_MNT_ID_UNIQUE");
        return 1;
    }
    uint64_t id = sx.stx_mnt_id;
    for (int depth = 0; depth < 64; depth++) {
        struct mnt_id_req req = {sizeof req, 0, id, STATMOUNT_SB_BASIC | STATMOUNT_MNT_BASIC};
        struct statmount_head s;
        memset(&s, 0, sizeof s);
        if (syscall(NR_statmount, &req, &s, sizeof s, 0) < 0) {
            perror("mount-chain: statmount");
            return 1;
        }
        printf("%u %llx\n", s.mnt_id_old, (unsigned long long)s.sb_magic);
        if (s.mnt_parent_id == s.mnt_id)
            return 0;
        id = s.mnt_parent_id;
    }
    fputs("mount-chain: no base within 64 mounts\n", stderr);
    return 1;
}
