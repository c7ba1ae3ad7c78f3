/*
 * jrun_jni.c: libjrun.so, the JVM's only native code besides the JDK's. Four things:
 * - a POSIX write lock on a container's lock file (jrun.linux.PosixLock), which every command
 *   takes. FileChannel.lock() does the same fcntl but costs ~0.6 ms more in a fresh interpreted
 *   JVM (IOUtil's init loads libnet, whose own init probes IPv6 with sockets);
 * - files in a directory opened once (jrun.linux.DirFd): openat, fstatat, fchmod, fchown, fsync,
 *   renameat on fds, which NIO cannot do (it chmods and chowns by path, following symlinks).
 * - reading a small file inside a rootfs with openat2(RESOLVE_IN_ROOT) (jrun.linux.RealHostFiles),
 *   which Java cannot do.
 * - `start`'s wait on the exec fifo (jrun.linux.StartFifo): Java can neither poll a fifo nor open
 *   one without blocking.
 * - unmounting one mount by its id (jrun.linux.HostMounts), which Java cannot do.
 * - a signal through a pidfd (jrun.linux.Pidfd): the engine's kill, without a helper process.
 * No policy, no namespaces: everything else native is the helper's, in its own process.
 * Since the engine (docs/engine.md): its unix socket's calls, because Java has no SCM_RIGHTS and
 * no SO_PEERCRED (UnixDomainSocketAddress channels cannot pass fds or name their peer).
 */
#define _GNU_SOURCE
#include <jni.h>
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <linux/stat.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/prctl.h>
#include <unistd.h>

static void throw_io(JNIEnv *env, int err, const char *path)
{
    /* NoSuchFileException carries the path, as NIO's does; anything else its strerror */
    jclass c = (*env)->FindClass(env, err == ENOENT ? "java/nio/file/NoSuchFileException" : "java/io/IOException");
    if (c)
        (*env)->ThrowNew(env, c, err == ENOENT ? path : strerror(err));
}

/* path: NUL-terminated bytes. Returns the fd holding the lock (close-on-exec); throws on failure. */
JNIEXPORT jint JNICALL Java_jrun_linux_PosixLock_lock0(JNIEnv *env, jclass cls, jbyteArray jpath, jboolean try)
{
    (void)cls;
    jsize n = (*env)->GetArrayLength(env, jpath);
    char path[4096];
    if (n <= 0 || n > (jsize)sizeof path) {
        throw_io(env, ENAMETOOLONG, "");
        return -1;
    }
    (*env)->GetByteArrayRegion(env, jpath, 0, n, (jbyte *)path);
    path[n - 1] = 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600); /* state is private (runc's modes) */
    if (fd < 0) {
        throw_io(env, errno, path);
        return -1;
    }
    /* the whole file: overlaps FileChannel.lock()'s range, so older jrun commands still exclude these.
     * An open-file-description lock: a classic one is the process's, and the engine's requests (one
     * process) would not exclude each other; OFD and classic locks exclude each other across processes.
     * try != 0: F_OFD_SETLK, -1 without throwing if it is held (the engine waits in Java, not here). */
    struct flock l = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    while (fcntl(fd, try ? F_OFD_SETLK : F_OFD_SETLKW, &l) < 0) {
        if (errno == EINTR)
            continue;
        int err = errno;
        close(fd);
        if (try && (err == EAGAIN || err == EACCES))
            return -1;
        throw_io(env, err, path);
        return -1;
    }
    return fd;
}

/* Releases the lock: closing the process's fd drops its fcntl locks on the file. */
JNIEXPORT void JNICALL Java_jrun_linux_PosixLock_unlock0(JNIEnv *env, jclass cls, jint fd)
{
    (void)env;
    (void)cls;
    close(fd);
}

/* ---- jrun.linux.DirFd: each call one syscall on an fd; an IOException with strerror on failure ---- */

/* A DirFd.Failure: an IOException with strerror's text and the errno, for Java to tell cases apart. */
static void throw_errno(JNIEnv *env, int err)
{
    jclass c = (*env)->FindClass(env, "jrun/linux/DirFd$Failure");
    jmethodID init = c ? (*env)->GetMethodID(env, c, "<init>", "(Ljava/lang/String;I)V") : NULL;
    jstring msg = init ? (*env)->NewStringUTF(env, strerror(err)) : NULL;
    jobject e = msg ? (*env)->NewObject(env, c, init, msg, (jint)err) : NULL;
    if (e)
        (*env)->Throw(env, (jthrowable)e);
}

/* A Java byte[] holding a NUL-terminated name or path, copied to buf; 0, or -1 with an exception. */
static int cstr(JNIEnv *env, jbyteArray a, char *buf, size_t size)
{
    jsize n = (*env)->GetArrayLength(env, a);
    if (n <= 0 || (size_t)n > size) {
        throw_errno(env, ENAMETOOLONG);
        return -1;
    }
    (*env)->GetByteArrayRegion(env, a, 0, n, (jbyte *)buf);
    buf[n - 1] = 0;
    return 0;
}

JNIEXPORT jint JNICALL Java_jrun_linux_DirFd_openDir0(JNIEnv *env, jclass cls, jbyteArray jpath, jboolean follow)
{
    (void)cls;
    char path[4096];
    if (cstr(env, jpath, path, sizeof path) < 0)
        return -1;
    int fd = open(path, O_RDONLY | O_DIRECTORY | (follow ? 0 : O_NOFOLLOW) | O_CLOEXEC);
    if (fd < 0)
        throw_errno(env, errno);
    return fd;
}

/* name in dir, not following a symlink: {st_mode, uid, gid, dev, ino}, or null when it does not exist. */
JNIEXPORT jlongArray JNICALL Java_jrun_linux_DirFd_lstatAt0(JNIEnv *env, jclass cls, jint dir, jbyteArray jname)
{
    (void)cls;
    char name[4096];
    struct stat st;
    if (cstr(env, jname, name, sizeof name) < 0)
        return NULL;
    if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
        if (errno != ENOENT)
            throw_errno(env, errno);
        return NULL;
    }
    jlong v[5] = {st.st_mode, st.st_uid, st.st_gid, (jlong)st.st_dev, (jlong)st.st_ino};
    jlongArray r = (*env)->NewLongArray(env, 5);
    if (r)
        (*env)->SetLongArrayRegion(env, r, 0, 5, v);
    return r;
}

/* {dev, ino, uid, gid} of an open fd. */
JNIEXPORT jlongArray JNICALL Java_jrun_linux_DirFd_fstat0(JNIEnv *env, jclass cls, jint fd)
{
    (void)cls;
    struct stat st;
    if (fstat(fd, &st) < 0) {
        throw_errno(env, errno);
        return NULL;
    }
    jlong v[4] = {(jlong)st.st_dev, (jlong)st.st_ino, st.st_uid, st.st_gid};
    jlongArray r = (*env)->NewLongArray(env, 4);
    if (r)
        (*env)->SetLongArrayRegion(env, r, 0, 4, v);
    return r;
}

/* A new file in dir, never an existing one nor a symlink's target: O_CREAT|O_EXCL|O_NOFOLLOW. */
JNIEXPORT jint JNICALL Java_jrun_linux_DirFd_create0(JNIEnv *env, jclass cls, jint dir, jbyteArray jname, jint mode)
{
    (void)cls;
    char name[4096];
    if (cstr(env, jname, name, sizeof name) < 0)
        return -1;
    int fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, (mode_t)mode);
    if (fd < 0)
        throw_errno(env, errno);
    return fd;
}

/* An unnamed regular file in dir (O_TMPFILE), or -1 where the file system cannot make one. */
JNIEXPORT jint JNICALL Java_jrun_linux_DirFd_tmpfile0(JNIEnv *env, jclass cls, jint dir, jint mode)
{
    (void)cls;
    int fd = openat(dir, ".", O_WRONLY | O_TMPFILE | O_CLOEXEC, (mode_t)mode);
    if (fd >= 0)
        return fd;
    if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL && errno != ENOENT)
        throw_errno(env, errno);
    return -1;
}

/* Names the unnamed file open on fd in dir: linkat with AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH,
 * so without it (rootless) through /proc/self/fd, which any owner of the fd may link. */
JNIEXPORT void JNICALL Java_jrun_linux_DirFd_link0(JNIEnv *env, jclass cls, jint fd, jint dir, jbyteArray jname)
{
    (void)cls;
    char name[4096], proc[64];
    if (cstr(env, jname, name, sizeof name) < 0)
        return;
    if (linkat(fd, "", dir, name, AT_EMPTY_PATH) == 0)
        return;
    if (errno == ENOENT || errno == EPERM) {
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", (int)fd);
        if (linkat(AT_FDCWD, proc, dir, name, AT_SYMLINK_FOLLOW) == 0)
            return;
    }
    throw_errno(env, errno);
}

/* The whole of a regular file in dir, opened without following a symlink. */
JNIEXPORT jbyteArray JNICALL Java_jrun_linux_DirFd_read0(JNIEnv *env, jclass cls, jint dir, jbyteArray jname)
{
    (void)cls;
    char name[4096];
    struct stat st;
    if (cstr(env, jname, name, sizeof name) < 0)
        return NULL;
    int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        throw_errno(env, errno);
        return NULL;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) { /* a FIFO or device: not a config (O_NONBLOCK: no wait on a FIFO) */
        int err = fstat(fd, &st) < 0 ? errno : EINVAL;
        close(fd);
        throw_errno(env, err);
        return NULL;
    }
    size_t cap = st.st_size > 0 ? (size_t)st.st_size : 4096, len = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            close(fd);
            throw_errno(env, ENOMEM);
            return NULL;
        }
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int err = errno;
            free(buf);
            close(fd);
            throw_errno(env, err);
            return NULL;
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len == cap) { /* grew since the fstat */
            char *more = realloc(buf, cap *= 2);
            if (!more)
                free(buf);
            buf = more;
        }
    }
    close(fd);
    jbyteArray r = (*env)->NewByteArray(env, (jsize)len);
    if (r)
        (*env)->SetByteArrayRegion(env, r, 0, (jsize)len, (jbyte *)buf);
    free(buf);
    return r;
}

JNIEXPORT void JNICALL Java_jrun_linux_DirFd_write0(JNIEnv *env, jclass cls, jint fd, jbyteArray data)
{
    (void)cls;
    jsize n = (*env)->GetArrayLength(env, data);
    jbyte *p = (*env)->GetByteArrayElements(env, data, NULL);
    if (!p)
        return;
    jsize off = 0;
    while (off < n) {
        ssize_t w = write(fd, p + off, (size_t)(n - off));
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            int err = errno;
            (*env)->ReleaseByteArrayElements(env, data, p, JNI_ABORT);
            throw_errno(env, err);
            return;
        }
        off += (jsize)w;
    }
    (*env)->ReleaseByteArrayElements(env, data, p, JNI_ABORT);
}

/* uid or gid -1: unchanged (fchown's own convention); mode -1: no fchmod. Then fsync if asked. */
JNIEXPORT void JNICALL Java_jrun_linux_DirFd_finish0(JNIEnv *env, jclass cls, jint fd, jint uid, jint gid, jint mode, jboolean sync)
{
    (void)cls;
    if ((uid != -1 || gid != -1) && fchown(fd, (uid_t)uid, (gid_t)gid) < 0) {
        throw_errno(env, errno);
        return;
    }
    /* after fchown, which may clear set-id bits */
    if (mode != -1 && fchmod(fd, (mode_t)mode) < 0) {
        throw_errno(env, errno);
        return;
    }
    if (sync && fsync(fd) < 0)
        throw_errno(env, errno);
}

/* Puts from in to's place. swap: as renameat2(RENAME_EXCHANGE), then removes the old file (now named
 * from), for a file not fsynced: ext4 (auto_da_alloc) starts writing back the data of a file renamed
 * over another before the rename returns, 0.25-0.3 ms measured here, and not of one swapped in. Where
 * the swap cannot be done (no file at to, a file system without it), a plain rename. */
JNIEXPORT void JNICALL Java_jrun_linux_DirFd_rename0(JNIEnv *env, jclass cls, jint dir, jbyteArray jfrom, jbyteArray jto, jboolean swap)
{
    (void)cls;
    char from[4096], to[4096];
    if (cstr(env, jfrom, from, sizeof from) < 0 || cstr(env, jto, to, sizeof to) < 0)
        return;
    if (swap) {
        if (renameat2(dir, from, dir, to, RENAME_EXCHANGE) == 0) {
            if (unlinkat(dir, from, 0) == 0 || errno != EISDIR)
                return;
            /* a directory was at to, which rename(2) would not replace: swapped back, and its error */
            renameat2(dir, from, dir, to, RENAME_EXCHANGE);
            throw_errno(env, EISDIR);
            return;
        }
        if (errno != ENOENT && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP) {
            throw_errno(env, errno);
            return;
        }
    }
    if (renameat(dir, from, dir, to) < 0)
        throw_errno(env, errno);
}

/* Best effort: no exception (a temp file's cleanup). */
JNIEXPORT void JNICALL Java_jrun_linux_DirFd_unlink0(JNIEnv *env, jclass cls, jint dir, jbyteArray jname)
{
    (void)cls;
    char name[4096];
    if (cstr(env, jname, name, sizeof name) == 0)
        unlinkat(dir, name, 0);
    else
        (*env)->ExceptionClear(env);
}

JNIEXPORT void JNICALL Java_jrun_linux_DirFd_close0(JNIEnv *env, jclass cls, jint fd)
{
    (void)env;
    (void)cls;
    close(fd);
}

/* Copies a NUL-terminated byte[] from Java into buf; 0, or -1 when it does not fit. */
static int c_string(JNIEnv *env, jbyteArray a, char *buf, size_t size)
{
    jsize n = (*env)->GetArrayLength(env, a);
    if (n <= 0 || (size_t)n > size)
        return -1;
    (*env)->GetByteArrayRegion(env, a, 0, n, (jbyte *)buf);
    buf[n - 1] = 0;
    return 0;
}

/*
 * The bytes of the regular file at path inside root, resolved as if root were "/" (openat2
 * RESOLVE_IN_ROOT: no symlink of the container's leads out of it, whatever it swaps meanwhile),
 * or null: missing, not a regular file (a FIFO would block, a device could act), larger than
 * max, or unreadable. Opened O_PATH and checked first, then read through that very inode.
 */
JNIEXPORT jbyteArray JNICALL Java_jrun_linux_RealHostFiles_readInRoot0(JNIEnv *env, jclass cls, jbyteArray jroot,
                                                                       jbyteArray jpath, jint max)
{
    (void)cls;
    char root[4096], path[4096];
    if (c_string(env, jroot, root, sizeof root) < 0 || c_string(env, jpath, path, sizeof path) < 0 || max < 0)
        return NULL;
    int dir = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0)
        return NULL;
    struct { uint64_t flags, mode, resolve; } how = {O_PATH | O_CLOEXEC, 0, 0x10 /* RESOLVE_IN_ROOT */ | 0x02 /* RESOLVE_NO_MAGICLINKS */};
    int at = (int)syscall(SYS_openat2, dir, path, &how, sizeof how);
    close(dir);
    struct stat st;
    if (at < 0 || fstat(at, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > max) {
        if (at >= 0)
            close(at);
        return NULL;
    }
    char self[64];
    snprintf(self, sizeof self, "/proc/self/fd/%d", at);
    int fd = open(self, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    close(at);
    if (fd < 0)
        return NULL;
    jbyteArray out = NULL;
    char *buf = (char *)malloc((size_t)max + 1);
    size_t n = 0;
    if (buf) {
        ssize_t r;
        while (n <= (size_t)max && ((r = read(fd, buf + n, (size_t)max + 1 - n)) > 0 || (r < 0 && errno == EINTR)))
            if (r > 0)
                n += (size_t)r;
        if (n <= (size_t)max && (out = (*env)->NewByteArray(env, (jsize)n)) != NULL)
            (*env)->SetByteArrayRegion(env, out, 0, (jsize)n, (jbyte *)buf);
        free(buf);
    }
    close(fd);
    return out;
}


/*
 * `start` (jrun.linux.StartFifo): writes the go byte into a created container's exec fifo, then
 * waits until the fifo has no reader left: the init holds it close-on-exec, so that is its exec
 * or its death. Returns what the init left in the fifo (its error: the process did not start),
 * or an empty array. Native because Java cannot poll a fifo, nor open one without blocking.
 */
JNIEXPORT jbyteArray JNICALL Java_jrun_linux_StartFifo_start0(JNIEnv *env, jclass cls, jbyteArray jpath)
{
    (void)cls;
    jsize n = (*env)->GetArrayLength(env, jpath);
    char path[4096];
    if (n <= 0 || n > (jsize)sizeof path) {
        throw_io(env, ENAMETOOLONG, "");
        return NULL;
    }
    (*env)->GetByteArrayRegion(env, jpath, 0, n, (jbyte *)path);
    path[n - 1] = 0;
    /* ENXIO: no reader, the init is gone already */
    int w = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
    if (w < 0 || write(w, "0", 1) != 1) {
        int err = errno;
        if (w >= 0)
            close(w);
        throw_io(env, err, path);
        return NULL;
    }
    /* events 0: only POLLERR (no reader left) wakes us; a fifo's write end is always writable */
    struct pollfd p = {w, 0, 0};
    int k;
    while ((k = poll(&p, 1, -1)) < 0 && errno == EINTR)
        ;
    if (k < 0) {
        int err = errno;
        close(w);
        throw_io(env, err, path);
        return NULL;
    }
    /* The pipe's buffer lives while we hold the write end: a new reader gets what the init left. */
    char buf[4096];
    ssize_t got = 0;
    int r = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
    if (r >= 0) {
        got = read(r, buf, sizeof buf);
        close(r);
    }
    close(w);
    if (got < 0)
        got = 0;
    jbyteArray out = (*env)->NewByteArray(env, (jsize)got);
    if (out && got)
        (*env)->SetByteArrayRegion(env, out, 0, (jsize)got, (const jbyte *)buf);
    return out;
}

/*
 * Reaps child pid if it has exited (WNOHANG): the launcher's pre-forked jrun-helper is this
 * process's child but not the JDK's, so nothing else would, and it would be left a zombie for
 * pid 1 or the caller's subreaper. Returns 1 if reaped, 0 if not.
 */
JNIEXPORT jint JNICALL Java_jrun_linux_PosixLock_reap0(JNIEnv *env, jclass cls, jint pid)
{
    (void)env;
    (void)cls;
    int status;
    return waitpid(pid, &status, WNOHANG) == pid;
}

/*
 * Sends sig to pid through a pidfd if it is still the process that started at start (field 22 of
 * /proc/PID/stat; 0: any), as the helper's SIGNAL step does: the pidfd pins the process, so the
 * start time read after it cannot be a new one's (jrun.linux.Pidfd, the engine's kill). 0 or -errno.
 */
JNIEXPORT jint JNICALL Java_jrun_linux_Pidfd_signal0(JNIEnv *env, jclass cls, jint pid, jlong start, jint sig)
{
    (void)env;
    (void)cls;
    int pfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
    if (pfd < 0)
        return -errno;
    if (start) {
        char path[64], buf[1024];
        snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
        if (fd >= 0)
            close(fd);
        char *p = NULL;
        if (n > 0) {
            buf[n] = 0;
            p = strrchr(buf, ')'); /* the command name may hold spaces and parentheses */
            for (int field = 2; field < 22 && p; field++)
                p = strchr(p + 1, ' ');
        }
        if (!p || strtoull(p + 1, NULL, 10) != (unsigned long long)start) {
            close(pfd);
            return -ESRCH;
        }
    }
    int r = (int)syscall(SYS_pidfd_send_signal, pfd, (int)sig, NULL, 0), err = errno;
    close(pfd);
    return r < 0 ? -err : 0;
}

JNIEXPORT jint JNICALL Java_jrun_linux_PosixLock_subreaper0(JNIEnv *env, jclass cls)
{
    (void)env;
    (void)cls;
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0;
}

/* ---- the engine's socket (jrun.engine.EngineNative) ---- */

static void throw_sock(JNIEnv *env, const char *what)
{
    char msg[256];
    snprintf(msg, sizeof msg, "%s: %s", what, strerror(errno));
    jclass c = (*env)->FindClass(env, "java/io/IOException");
    if (c)
        (*env)->ThrowNew(env, c, msg);
}

/* A listening SOCK_STREAM unix socket at path (NUL-terminated bytes), mode 0600, close-on-exec. */
JNIEXPORT jint JNICALL Java_jrun_engine_EngineNative_listen0(JNIEnv *env, jclass cls, jbyteArray jpath)
{
    (void)cls;
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    jsize n = (*env)->GetArrayLength(env, jpath);
    if (n <= 1 || n > (jsize)sizeof a.sun_path) {
        errno = ENAMETOOLONG;
        throw_sock(env, "engine socket path");
        return -1;
    }
    (*env)->GetByteArrayRegion(env, jpath, 0, n, (jbyte *)a.sun_path);
    a.sun_path[n - 1] = 0;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        throw_sock(env, "socket");
        return -1;
    }
    mode_t old = umask(0177); /* the socket is born 0600: no window where another uid may connect */
    int rc = bind(fd, (struct sockaddr *)&a, sizeof a);
    umask(old);
    if (rc < 0 || listen(fd, 128) < 0) {
        throw_sock(env, a.sun_path);
        close(fd);
        return -1;
    }
    return fd;
}

/* The next connection (close-on-exec), with a receive timeout of timeout_ms so a silent peer cannot hold the engine. */
JNIEXPORT jint JNICALL Java_jrun_engine_EngineNative_accept0(JNIEnv *env, jclass cls, jint lfd, jint timeout_ms)
{
    (void)cls;
    int fd;
    while ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) < 0) {
        if (errno == EINTR || errno == ECONNABORTED)
            continue;
        throw_sock(env, "accept");
        return -1;
    }
    struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

/* The peer's {pid, uid, gid} (SO_PEERCRED: what the kernel recorded at connect). */
JNIEXPORT jintArray JNICALL Java_jrun_engine_EngineNative_peer0(JNIEnv *env, jclass cls, jint fd)
{
    (void)cls;
    struct ucred c;
    socklen_t len = sizeof c;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &c, &len) < 0) {
        throw_sock(env, "SO_PEERCRED");
        return NULL;
    }
    jintArray r = (*env)->NewIntArray(env, 3);
    if (r) {
        jint v[3] = {c.pid, (jint)c.uid, (jint)c.gid};
        (*env)->SetIntArrayRegion(env, r, 0, 3, v);
    }
    return r;
}

/* recvmsg of up to len bytes into buf[off..]; fds passed with them (SCM_RIGHTS, close-on-exec) go
 * into fds (the rest -1; any beyond fds' length are closed). Returns the byte count (0 at EOF). */
static jint recv_fds(JNIEnv *env, jint fd, jbyteArray jbuf, jint off, jint len, jintArray jfds, int flags)
{
    char data[65536];
    if (len > (jint)sizeof data)
        len = sizeof data;
    union {
        char buf[CMSG_SPACE(16 * sizeof(int))];
        struct cmsghdr align;
    } u;
    struct iovec iov = {.iov_base = data, .iov_len = (size_t)len};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
    ssize_t r;
    while ((r = recvmsg(fd, &m, MSG_CMSG_CLOEXEC | flags)) < 0 && errno == EINTR)
        ;
    if (r < 0 && (flags & MSG_DONTWAIT) && (errno == EAGAIN || errno == EWOULDBLOCK))
        return -2;
    if (r < 0) {
        throw_sock(env, "recvmsg");
        return -1;
    }
    jsize nf = (*env)->GetArrayLength(env, jfds);
    jint got[16];
    int k = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        int cnt = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        int *p = (int *)CMSG_DATA(c);
        for (int i = 0; i < cnt; i++) {
            if (k < nf && k < 16)
                got[k++] = p[i];
            else
                close(p[i]);
        }
    }
    for (int i = k; i < nf && i < 16; i++)
        got[i] = -1;
    (*env)->SetIntArrayRegion(env, jfds, 0, nf < 16 ? nf : 16, got);
    if (m.msg_flags & MSG_CTRUNC) {
        for (int i = 0; i < k; i++)
            close(got[i]);
        errno = EMSGSIZE;
        throw_sock(env, "too many fds passed");
        return -1;
    }
    (*env)->SetByteArrayRegion(env, jbuf, off, (jsize)r, (jbyte *)data);
    return (jint)r;
}

JNIEXPORT jint JNICALL Java_jrun_engine_EngineNative_recv0(JNIEnv *env, jclass cls, jint fd, jbyteArray jbuf, jint off,
                                                           jint len, jintArray jfds)
{
    (void)cls;
    return recv_fds(env, fd, jbuf, off, len, jfds, 0);
}

/* recv0 without waiting (MSG_DONTWAIT): -2 when nothing has come yet. */
JNIEXPORT jint JNICALL Java_jrun_engine_EngineNative_recvNow0(JNIEnv *env, jclass cls, jint fd, jbyteArray jbuf, jint off,
                                                              jint len, jintArray jfds)
{
    (void)cls;
    return recv_fds(env, fd, jbuf, off, len, jfds, MSG_DONTWAIT);
}

/* read(2) of up to len bytes (64 KiB at most); 0 at EOF. */
JNIEXPORT jint JNICALL Java_jrun_engine_EngineNative_read0(JNIEnv *env, jclass cls, jint fd, jbyteArray jbuf, jint off, jint len)
{
    (void)cls;
    char data[65536];
    if (len > (jint)sizeof data)
        len = sizeof data;
    ssize_t r;
    while ((r = read(fd, data, (size_t)len)) < 0 && errno == EINTR)
        ;
    if (r < 0) {
        throw_sock(env, "read");
        return -1;
    }
    (*env)->SetByteArrayRegion(env, jbuf, off, (jsize)r, (jbyte *)data);
    return (jint)r;
}

/* Writes all of buf[off..off+len) to fd (a socket without SIGPIPE). */
JNIEXPORT void JNICALL Java_jrun_engine_EngineNative_write0(JNIEnv *env, jclass cls, jint fd, jbyteArray jbuf, jint off, jint len)
{
    (void)cls;
    char data[8192];
    while (len > 0) {
        jint n = len < (jint)sizeof data ? len : (jint)sizeof data;
        (*env)->GetByteArrayRegion(env, jbuf, off, n, (jbyte *)data);
        jint done = 0;
        while (done < n) {
            ssize_t w = send(fd, data + done, (size_t)(n - done), MSG_NOSIGNAL);
            if (w < 0 && errno == ENOTSOCK)
                w = write(fd, data + done, (size_t)(n - done));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                throw_sock(env, "write");
                return;
            }
            done += (jint)w;
        }
        off += n;
        len -= n;
    }
}

JNIEXPORT void JNICALL Java_jrun_engine_EngineNative_close0(JNIEnv *env, jclass cls, jint fd)
{
    (void)env;
    (void)cls;
    close(fd);
}

/* A new session for `engine start`'s engine (Java cannot call setsid): no terminal's hangup reaches it. */
JNIEXPORT jint JNICALL Java_jrun_engine_EngineNative_setsid0(JNIEnv *env, jclass cls)
{
    (void)env;
    (void)cls;
    return (jint)setsid();
}

/*
 * jrun.linux.HostMounts: detaches the mount whose id is mnt_id and whose mount point is path
 * (from mountinfo, so it has no symlink in it). The path is opened without following any
 * symlink, the mount reached is checked by its id (statx STATX_MNT_ID), and that very mount is
 * detached through the fd (/proc/self/fd/N), never through the path again. Returns 0, or the
 * errno: ESTALE when the path leads to another mount (it is not the recorded one).
 */
JNIEXPORT jint JNICALL Java_jrun_linux_HostMounts_unmount0(JNIEnv *env, jclass cls, jbyteArray jpath, jlong mnt_id)
{
    (void)cls;
    char path[4096];
    if (c_string(env, jpath, path, sizeof path) < 0)
        return ENAMETOOLONG;
    struct { uint64_t flags, mode, resolve; } how = {O_PATH | O_CLOEXEC | O_NOFOLLOW, 0, 0x04 /* RESOLVE_NO_SYMLINKS */};
    int fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof how);
    if (fd < 0)
        return errno;
    struct statx sx;
    int err = 0;
    if (syscall(SYS_statx, fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &sx) < 0)
        err = errno;
    else if (!(sx.stx_mask & STATX_MNT_ID) || sx.stx_mnt_id != (uint64_t)mnt_id)
        err = ESTALE;
    else {
        char self[64];
        snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
        if (umount2(self, MNT_DETACH) < 0)
            err = errno;
    }
    close(fd);
    return err;
}
