/*
 * helper_ops.h: the opcodes of jrun-helper's plan, with each one's field signature.
 *
 * The single source of truth on the C side. jrun.helper.Op is the Java side; the unit test
 * jrun.helper.OpTableTest parses this file and fails if a name, code or signature differs.
 *
 * Signature letters, one per field, in order:
 *   s  a string (no NUL inside; the helper terminates it)
 *   u  an unsigned 64-bit integer (exactly 8 bytes, little-endian)
 *   v  a string vector (each entry NUL-terminated; may be empty)
 *   b  raw bytes
 *
 * Steps before CLONE run in the helper (the runtime side, host namespaces unless joined);
 * steps after it run in the container's init. Codes are part of the wire format: never reuse one.
 */
#ifndef JRUN_HELPER_OPS_H
#define JRUN_HELPER_OPS_H

#define HELPER_OPS(OP)                                                          \
    OP(GETFD, 1, "uu")          /* parent fd, target fd: pidfd_getfd from Java  */ \
    OP(CONSOLE_SOCKET, 2, "s")  /* connect to the caller's console socket       */ \
    OP(MKFIFO, 3, "su")         /* path, mode: the start fifo                   */ \
    OP(OPEN_FIFO, 4, "s")       /* open the start fifo O_RDWR, kept for later    */ \
    OP(SETNS, 5, "su")          /* namespace path, CLONE_NEW* type              */ \
    OP(UNSHARE, 6, "u")         /* CLONE_NEW* flags                             */ \
    OP(WRITE_FILE, 7, "sb")     /* absolute path (not in the rootfs), data      */ \
    OP(CLONE, 8, "uus")         /* CLONE_NEW* flags, 0 = stay until the init is ready, 1 = stay and wait (run), 2 = exit at once, 3 = as 1, and keep the report pipe until exit, cgroup v2 dir to be born in ("": none) */ \
    OP(WAIT_GO, 9, "")          /* init: wait for Java's go (maps, cgroup done) */ \
    OP(SET_ROOT, 10, "s")       /* the directory *_IN_ROOT paths resolve under  */ \
    OP(MKDIRS, 11, "su")        /* in-root path, mode                           */ \
    OP(MKFILE, 12, "su")        /* in-root path, mode (parent must exist)       */ \
    OP(MOUNT, 13, "sssus")      /* source, in-root target, fstype, flags, data  */ \
    OP(MOUNT_HOST, 14, "sssus") /* the same with an absolute host target        */ \
    OP(SETATTR, 15, "suuu")     /* in-root target, attr_set, attr_clr, recursive */ \
    OP(MKNOD, 16, "suuuu")      /* in-root path, mode|type, dev, uid, gid       */ \
    OP(SYMLINK, 17, "ss")       /* link text, in-root link path                 */ \
    OP(BARRIER, 18, "")         /* report, then wait for Java's go (its hooks)  */ \
    OP(HOOK, 19, "svvuu")       /* path, argv, env, timeout s (0 = none), state slot */ \
    OP(PIVOT, 20, "s")          /* rootfs: pivot_root into it                   */ \
    OP(CHROOT, 21, "s")         /* rootfs: move it to / and chroot (--no-pivot) */ \
    OP(SETHOSTNAME, 22, "s")                                                     \
    OP(SETDOMAINNAME, 23, "s")                                                   \
    OP(CONSOLE, 24, "uuu")      /* rows, cols, 1 = bind the pty on /dev/console */ \
    OP(RLIMIT, 25, "uuu")       /* resource, soft, hard                         */ \
    OP(NO_NEW_PRIVS, 26, "")                                                     \
    OP(SETGROUPS, 27, "v")      /* decimal gids                                 */ \
    OP(SETGID, 28, "u")                                                          \
    OP(SETUID, 29, "u")                                                          \
    OP(UMASK, 30, "u")                                                           \
    OP(CHDIR, 31, "s")                                                           \
    OP(WAIT_START, 32, "")      /* report ready, block on the fifo until start  */ \
    OP(CLOSE_FDS, 33, "u")      /* every fd >= this becomes close-on-exec       */ \
    OP(EXEC, 34, "vvv")         /* candidate paths, argv, env                   */ \
    OP(SETSID, 35, "")                                                           \
    OP(SIGNAL, 36, "uuu")       /* pid, start time (0 = unchecked), signal      */ \
    OP(MASK, 37, "s")           /* in-root path: /dev/null or an ro tmpfs on it */ \
    OP(READONLY, 38, "s")       /* in-root path: bind it on itself read-only    */ \
    /* 39: WRITE_IN_ROOT, retired for WRITE_PROC */                              \
    OP(JOIN_KEYRING, 40, "s")   /* a new session keyring with this name         */ \
    OP(CAP_BOUNDING, 41, "u")   /* PR_CAPBSET_DROP each bit, then keep caps     */ \
    OP(CAPS, 42, "uuuu")        /* capset effective, permitted, inheritable; ambient */ \
    OP(SECCOMP, 43, "ub")       /* seccomp(SET_MODE_FILTER) flags, sock_filter[] */ \
    OP(DEVICE_PROG, 44, "sb")   /* cgroup2 dir, bpf_insn[]: load and attach (devices) */ \
    OP(SECCOMP_LISTENER, 45, "ss") /* socket path, payload head: SECCOMP sends the notify fd there */ \
    OP(MORE, 46, "")            /* init: read the rest of the plan (u32 count, steps) and go on */ \
    OP(PERSONALITY, 47, "u")    /* personality(2) persona                       */ \
    OP(IOPRIO, 48, "u")         /* ioprio_set(2) of this process: class << 13 | data */ \
    OP(SCHED_ATTR, 49, "b")     /* sched_setattr(2) of this process: struct sched_attr (48 bytes) */ \
    OP(AFFINITY, 50, "b")       /* sched_setaffinity(2) of this process: cpu_set_t */ \
    OP(MEMPOLICY, 51, "ub")     /* set_mempolicy(2): mode | flags, node mask (empty: none) */ \
    OP(WRITE_PROC, 52, "sb")    /* path under the container's /proc (a procfs root), data: no symlink or mount on the way */ \
    OP(LOOKUP, 53, "vs")        /* candidate paths, program: fail unless one is an executable file */ \
    OP(ENTER_ROOT, 54, "s")     /* chdir to the directory ("": the root fd), chroot("."), chdir("/"): moves no mount (no mount namespace of its own) */ \
    OP(BIND_ROOT, 55, "su")     /* rootfs realpath (no symlink followed), propagation: bind it onto itself through fds; the copy is the root fd */ \
    OP(DUMPABLE, 56, "u")       /* prctl(PR_SET_DUMPABLE): 0 once Java wrote a new user namespace's maps (born 1) */ \
    OP(IDMAP_TREE, 57, "sssuu") /* host source, uid map text, gid map text, recursive, attr_set: open_tree a detached copy and idmap it (kept) */ \
    OP(MOVE_TREE, 58, "s")      /* in-root target: move_mount the kept IDMAP_TREE copy onto it */

#endif
