/*
 * run_oci-prctl: the prctl(2) calls bin/run_oci needs and a JVM cannot make. No policy:
 *   run_oci-prctl core-create PID     give PID's thread group a new core-scheduling cookie
 *   run_oci-prctl core-get PID        print PID's core-scheduling cookie (tests)
 *   run_oci-prctl alt-syscall-probe   exit 0 if the kernel has Chrome OS alt-syscall tables
 * On failure it prints the errno name and exits 1.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#ifndef PR_SCHED_CORE
#define PR_SCHED_CORE 62
#define PR_SCHED_CORE_GET 0
#define PR_SCHED_CORE_CREATE 1
#endif
#define PIDTYPE_TGID 1
/* Chrome OS kernels: prctl option "CrOS" sets an alt-syscall table by name. */
#define PR_ALT_SYSCALL 0x43724f53
#define PR_ALT_SYSCALL_SET_SYSCALL_TABLE 1

static int fail(void) {
    const char *name = errno == EINVAL ? "EINVAL" : errno == ENODEV ? "ENODEV" : errno == EPERM ? "EPERM"
                     : errno == ESRCH ? "ESRCH" : errno == ENOENT ? "ENOENT" : NULL;
    if (name) puts(name);
    else printf("errno %d\n", errno);
    return 1;
}

int main(int argc, char **argv) {
    if (argc == 3 && !strcmp(argv[1], "core-create")) {
        if (prctl(PR_SCHED_CORE, PR_SCHED_CORE_CREATE, (unsigned long)atol(argv[2]), PIDTYPE_TGID, 0) < 0) return fail();
        return 0;
    }
    if (argc == 3 && !strcmp(argv[1], "core-get")) {
        unsigned long cookie = 0;
        if (prctl(PR_SCHED_CORE, PR_SCHED_CORE_GET, (unsigned long)atol(argv[2]), 0, (unsigned long)&cookie) < 0) return fail();
        printf("%lu\n", cookie);
        return 0;
    }
    if (argc == 2 && !strcmp(argv[1], "alt-syscall-probe")) {
        /* A table that cannot exist: a Chrome OS kernel answers ENOENT, any other EINVAL (unknown option). */
        if (prctl(PR_ALT_SYSCALL, PR_ALT_SYSCALL_SET_SYSCALL_TABLE, (unsigned long)"jrun-probe-no-such-table", 0, 0) == 0) return 0;
        if (errno == EINVAL) return fail();
        return 0;
    }
    fputs("usage: run_oci-prctl core-create PID | core-get PID | alt-syscall-probe\n", stderr);
    return 2;
}
