/*
 * libseccomp-filter.c: the test oracle for jrun's seccomp compiler (LibseccompAgreementTest).
 * Builds a filter with libseccomp, as runc does, from lines on stdin, and writes its classic BPF
 * to stdout (seccomp_export_bpf). Or, with "names ARCH" as the first line, prints each following
 * name's number on that architecture as libseccomp knows it.
 *   default HEX                      first: seccomp_init with that action (a SECCOMP_RET_* value)
 *   arch NAME                        x86_64 x86 x32 aarch64 riscv64 arm: seccomp_arch_add
 *   rule HEX NAME N [IDX OP A B]*N   seccomp_rule_add_array; OP is enum scmp_compare's number
 * A name libseccomp does not know is skipped, as runc skips it.
 */
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t arch_token(const char *s)
{
    if (!strcmp(s, "x86_64")) return SCMP_ARCH_X86_64;
    if (!strcmp(s, "x86")) return SCMP_ARCH_X86;
    if (!strcmp(s, "x32")) return SCMP_ARCH_X32;
    if (!strcmp(s, "aarch64")) return SCMP_ARCH_AARCH64;
    if (!strcmp(s, "riscv64")) return SCMP_ARCH_RISCV64;
    if (!strcmp(s, "arm")) return SCMP_ARCH_ARM;
    fprintf(stderr, "unknown arch %s\n", s);
    exit(2);
}

int main(void)
{
    char word[64], name[128];
    scmp_filter_ctx ctx = NULL;
    if (scanf("%63s", word) != 1)
        return 2;
    if (!strcmp(word, "names")) {
        if (scanf("%63s", word) != 1)
            return 2;
        uint32_t arch = arch_token(word);
        while (scanf("%127s", name) == 1)
            printf("%s %d\n", name, seccomp_syscall_resolve_name_arch(arch, name));
        return 0;
    }
    unsigned int act;
    if (strcmp(word, "default") || scanf("%x", &act) != 1 || !(ctx = seccomp_init(act)))
        return 2;
    while (scanf("%63s", word) == 1) {
        if (!strcmp(word, "arch")) {
            if (scanf("%63s", word) != 1)
                return 2;
            int rc = seccomp_arch_add(ctx, arch_token(word));
            if (rc < 0 && rc != -EEXIST) {
                fprintf(stderr, "seccomp_arch_add %s: %d\n", word, rc);
                return 2;
            }
        } else if (!strcmp(word, "rule")) {
            unsigned int n;
            if (scanf("%x %127s %u", &act, name, &n) != 3 || n > 6)
                return 2;
            struct scmp_arg_cmp c[6];
            for (unsigned int i = 0; i < n; i++) {
                unsigned int idx, op;
                unsigned long long a, b;
                if (scanf("%u %u %llu %llu", &idx, &op, &a, &b) != 4)
                    return 2;
                c[i] = (struct scmp_arg_cmp){idx, (enum scmp_compare)op, a, b};
            }
            int nr = seccomp_syscall_resolve_name(name);
            if (nr == __NR_SCMP_ERROR)
                continue;
            int rc = seccomp_rule_add_array(ctx, act, nr, n, c);
            if (rc < 0) {
                fprintf(stderr, "seccomp_rule_add %s: %d\n", name, rc);
                return 2;
            }
        } else
            return 2;
    }
    if (seccomp_export_bpf(ctx, 1) < 0)
        return 3;
    seccomp_release(ctx);
    return 0;
}
