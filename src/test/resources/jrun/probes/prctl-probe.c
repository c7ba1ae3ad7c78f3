/*
 * prctl-probe: the raw prctl(2) calls behind run_oci's coreSched and altSyscall, made by the test
 * itself so that its expectation does not come from the tool under test (bin/run_oci-prctl).
 *   prctl-probe core-create     give this process a new core-scheduling cookie
 *   prctl-probe core-get PID    print PID's core-scheduling cookie
 *   prctl-probe alt-syscall     select a Chrome OS alt-syscall table that cannot exist
 * Prints "ok" (or the cookie), else the errno's name (EINVAL...); exits 0 either way, 2 on misuse.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#define PR_SCHED_CORE_NR 62 /* linux/prctl.h */
#define PR_SCHED_CORE_GET_NR 0
#define PR_SCHED_CORE_CREATE_NR 1
#define PIDTYPE_PID_NR 0 /* GET takes a single task */
#define PIDTYPE_TGID_NR 1
#define PR_ALT_SYSCALL_NR 0x43724f53 /* "CrOS", Chrome OS kernels only */
#define PR_ALT_SYSCALL_SET_SYSCALL_TABLE_NR 1

static int result(long r)
{
    if (r < 0)
        puts(strerrorname_np(errno) ? strerrorname_np(errno) : "unknown errno");
    else
        puts("ok");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "core-create"))
        return result(prctl(PR_SCHED_CORE_NR, PR_SCHED_CORE_CREATE_NR, 0, PIDTYPE_TGID_NR, 0));
    if (argc == 3 && !strcmp(argv[1], "core-get")) {
        unsigned long cookie = 0;
        if (prctl(PR_SCHED_CORE_NR, PR_SCHED_CORE_GET_NR, strtoul(argv[2], NULL, 10), PIDTYPE_PID_NR, (unsigned long)&cookie) < 0)
            return result(-1);
        printf("%lu\n", cookie);
        return 0;
    }
    if (argc == 2 && !strcmp(argv[1], "alt-syscall"))
        return result(prctl(PR_ALT_SYSCALL_NR, PR_ALT_SYSCALL_SET_SYSCALL_TABLE_NR, (unsigned long)"jrun-test-no-such-table", 0, 0));
    fputs("usage: prctl-probe core-create | core-get PID | alt-syscall\n", stderr);
    return 2;
}
