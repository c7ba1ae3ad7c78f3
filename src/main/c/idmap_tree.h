/*
 * idmap_tree.h: an idmapped copy of a host directory tree, for runtime-spec 1.2's
 * mounts[].uidMappings/gidMappings (mount_setattr(2) MOUNT_ATTR_IDMAP, Linux 5.12). Run as root
 * of the source's filesystem (before the container's clone): a child unshares a user namespace
 * and waits while we write the mount's maps into it, its namespace fd outlives it; a detached
 * copy of the source (open_tree OPEN_TREE_CLONE, with its submounts for rbind) is idmapped with
 * it. The caller attaches the copy later (move_mount) and reports failures: each function
 * returns -1 with errno set and *what naming the call that failed.
 */
#ifndef JRUN_IDMAP_TREE_H
#define JRUN_IDMAP_TREE_H

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define JR_IDMAP_OPEN_TREE_CLONE 1
#define JR_IDMAP_ATTR_IDMAP 0x00100000
struct jr_idmap_attr { uint64_t attr_set, attr_clr, propagation, userns_fd; };

static int idmap_write(pid_t pid, const char *name, const char *text)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, text, strlen(text));
    int err = errno;
    close(fd);
    errno = err;
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* A user namespace holding the maps (uid_map/gid_map lines), as an fd; -1 with errno. */
static int idmap_userns(const char *uid_map, const char *gid_map, const char **what)
{
    int sync[2];
    *what = "pipe for";
    if (pipe2(sync, O_CLOEXEC) < 0)
        return -1;
    pid_t c = fork();
    if (c < 0) {
        int err = errno;
        close(sync[0]);
        close(sync[1]);
        *what = "fork for";
        errno = err;
        return -1;
    }
    if (c == 0) {
        close(sync[0]);
        char ok = unshare(CLONE_NEWUSER) == 0 ? 'u' : 'x';
        if (write(sync[1], &ok, 1) != 1)
            _exit(1);
        for (;;)
            pause(); /* killed once its namespace is held */
    }
    close(sync[1]);
    char ok = 0;
    ssize_t n;
    while ((n = read(sync[0], &ok, 1)) < 0 && errno == EINTR)
        ;
    close(sync[0]);
    int ns = -1, err = EINVAL;
    *what = "make the user namespace of the idmapped mount of";
    if (n == 1 && ok == 'u') {
        *what = "write the uid_map of the idmapped mount of";
        if (idmap_write(c, "uid_map", uid_map) == 0) {
            *what = "write the gid_map of the idmapped mount of";
            if (idmap_write(c, "gid_map", gid_map) == 0) {
                char path[64];
                snprintf(path, sizeof path, "/proc/%d/ns/user", (int)c);
                *what = "open the user namespace of the idmapped mount of";
                ns = open(path, O_RDONLY | O_CLOEXEC);
            }
        }
        err = errno;
    }
    kill(c, SIGKILL);
    while (waitpid(c, NULL, 0) < 0 && errno == EINTR)
        ;
    errno = err;
    return ns;
}

/* The idmapped detached copy of src (recursive: with its submounts; recursive_map: idmap each), as an fd. */
static int idmapped_copy(const char *src, const char *uid_map, const char *gid_map, int recursive, int recursive_map,
                         uint64_t attr_set, const char **what)
{
    int ns = idmap_userns(uid_map, gid_map, what);
    if (ns < 0)
        return -1;
    int t = (int)syscall(SYS_open_tree, AT_FDCWD, src, JR_IDMAP_OPEN_TREE_CLONE | O_CLOEXEC | (recursive ? AT_RECURSIVE : 0));
    if (t < 0) {
        int err = errno;
        close(ns);
        *what = "open_tree";
        errno = err;
        return -1;
    }
    struct jr_idmap_attr a = {JR_IDMAP_ATTR_IDMAP | attr_set, 0, 0, (uint64_t)ns};
    if (syscall(SYS_mount_setattr, t, "", AT_EMPTY_PATH | (recursive_map ? AT_RECURSIVE : 0), &a, sizeof a) < 0) {
        int err = errno;
        close(ns);
        close(t);
        *what = "idmap the mount of";
        errno = err;
        return -1;
    }
    close(ns);
    return t;
}

#endif
