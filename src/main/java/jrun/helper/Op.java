package jrun.helper;

/**
 * The helper's opcodes and field signatures: the Java half of src/main/c/helper_ops.h (what
 * each one does is documented there). OpTableTest parses that header and fails on any
 * difference, so the two cannot drift. Codes are part of the wire format: never reuse one.
 */
public enum Op {
    GETFD(1, "uu"), CONSOLE_SOCKET(2, "s"), MKFIFO(3, "su"), OPEN_FIFO(4, "s"), SETNS(5, "su"),
    UNSHARE(6, "u"), WRITE_FILE(7, "sb"), CLONE(8, "uus"), WAIT_GO(9, ""), SET_ROOT(10, "s"),
    MKDIRS(11, "su"), MKFILE(12, "su"), MOUNT(13, "sssus"), MOUNT_HOST(14, "sssus"), SETATTR(15, "suuu"),
    MKNOD(16, "suuuu"), SYMLINK(17, "ss"), BARRIER(18, ""), HOOK(19, "svvuu"), PIVOT(20, "s"),
    CHROOT(21, "s"), SETHOSTNAME(22, "s"), SETDOMAINNAME(23, "s"), CONSOLE(24, "uuu"), RLIMIT(25, "uuu"),
    NO_NEW_PRIVS(26, ""), SETGROUPS(27, "v"), SETGID(28, "u"), SETUID(29, "u"), UMASK(30, "u"),
    CHDIR(31, "s"), WAIT_START(32, ""), CLOSE_FDS(33, "u"), EXEC(34, "vvv"), SETSID(35, ""),
    SIGNAL(36, "uuu"), MASK(37, "s"), READONLY(38, "s"), // 39: WRITE_IN_ROOT, retired for WRITE_PROC
    JOIN_KEYRING(40, "s"), CAP_BOUNDING(41, "u"), CAPS(42, "uuuu"), SECCOMP(43, "ub"), DEVICE_PROG(44, "sb"), SECCOMP_LISTENER(45, "ss"), MORE(46, ""), PERSONALITY(47, "u"),
    IOPRIO(48, "u"), SCHED_ATTR(49, "b"), AFFINITY(50, "b"), MEMPOLICY(51, "ub"),
    WRITE_PROC(52, "sb"), LOOKUP(53, "vs"), ENTER_ROOT(54, "s"), BIND_ROOT(55, "su"),
    DUMPABLE(56, "u"), IDMAP_TREE(57, "sssuu"), MOVE_TREE(58, "s");

    public final int code;
    /** One letter per field: s string, u unsigned 64-bit, v string vector, b bytes. */
    public final String signature;

    Op(int code, String signature) {
        this.code = code;
        this.signature = signature;
    }
}
