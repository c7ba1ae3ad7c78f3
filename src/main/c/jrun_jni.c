/*
 * jrun_jni.c: libjrun.so, the JVM's only native code besides the JDK's. One thing: a POSIX
 * write lock on a container's lock file (jrun.linux.PosixLock), which every command takes.
 * FileChannel.lock() does the same fcntl but costs ~0.6 ms more in a fresh interpreted JVM
 * (IOUtil's init loads libnet, whose own init probes IPv6 with sockets). No policy, no
 * namespaces: everything else native is the helper's, in its own process.
 */
#include <jni.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
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
