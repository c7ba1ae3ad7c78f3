/*
 * jrun_jni.c: libjrun.so, the JVM's only native code besides the JDK's. A POSIX write lock on
 * a container's lock file (jrun.linux.PosixLock), which every command takes; and `start`'s
 * wait on the exec fifo (jrun.linux.StartFifo).
 * FileChannel.lock() does the same fcntl but costs ~0.6 ms more in a fresh interpreted JVM
 * (IOUtil's init loads libnet, whose own init probes IPv6 with sockets). No policy, no
 * namespaces: everything else native is the helper's, in its own process.
 */
#include <jni.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

static void throw_io(JNIEnv *env, int err, const char *path)
{
    /* NoSuchFileException carries the path, as NIO's does; anything else its strerror */
    jclass c = (*env)->FindClass(env, err == ENOENT ? "java/nio/file/NoSuchFileException" : "java/io/IOException");
    if (c)
        (*env)->ThrowNew(env, c, err == ENOENT ? path : strerror(err));
}

/* path: NUL-terminated bytes. Returns the fd holding the lock (close-on-exec); throws on failure. */
JNIEXPORT jint JNICALL Java_jrun_linux_PosixLock_lock0(JNIEnv *env, jclass cls, jbyteArray jpath)
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
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);
    if (fd < 0) {
        throw_io(env, errno, path);
        return -1;
    }
    /* the whole file: overlaps FileChannel.lock()'s range, so older jrun commands still exclude these */
    struct flock l = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    while (fcntl(fd, F_SETLKW, &l) < 0) {
        if (errno == EINTR)
            continue;
        int err = errno;
        close(fd);
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
