/* Cross-CPU wake-up cost on this machine: a pipe round trip between two processes pinned to CPUs
 * 0 and 1, after an idle gap, 200 times; prints the median and 90th percentile.
 *   gcc -O2 -o /tmp/wake-latency bench/wake-latency.c && /tmp/wake-latency 0 && /tmp/wake-latency 1000
 * On a VM whose idle vCPUs halt at once (cpuidle haltpoll, guest_halt_poll_ns=0) every wake-up of
 * the other vCPU goes through the hypervisor: see README, Performance. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

enum { ROUNDS = 200 };

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static void pin(int cpu)
{
    cpu_set_t s;
    CPU_ZERO(&s);
    CPU_SET(cpu, &s);
    sched_setaffinity(0, sizeof s, &s);
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    int gap = argc > 1 ? atoi(argv[1]) : 0, to[2], back[2];
    if (pipe(to) < 0 || pipe(back) < 0)
        return 1;
    if (fork() == 0) {
        pin(1);
        char c;
        while (read(to[0], &c, 1) == 1 && write(back[1], &c, 1) == 1)
            ;
        _exit(0);
    }
    pin(0);
    double v[ROUNDS];
    for (int i = 0; i < ROUNDS; i++) {
        usleep(gap);
        double t0 = now_us();
        char c = 'x';
        if (write(to[1], &c, 1) != 1 || read(back[0], &c, 1) != 1)
            return 1;
        v[i] = now_us() - t0;
    }
    close(to[1]);
    qsort(v, ROUNDS, sizeof v[0], by_value);
    printf("idle gap %d us: round trip median %.1f us, p90 %.1f us\n", gap, v[ROUNDS / 2], v[ROUNDS * 9 / 10]);
    return 0;
}
