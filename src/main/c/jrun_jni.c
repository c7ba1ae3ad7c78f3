/*
 * jrun_jni.c: libjrun.so, the JVM's only native code besides the JDK's. Two things: a POSIX
 * write lock on a container's lock file (jrun.linux.PosixLock), which every command takes, and
 * reading a small file inside a rootfs with openat2(RESOLVE_IN_ROOT) (jrun.linux.RealHostFiles),
 * which Java cannot do. FileChannel.lock() does the same fcntl but costs ~0.6 ms more in a fresh
 * interpreted JVM (IOUtil's init loads libnet, whose own init probes IPv6 with sockets). No
 * policy, no namespaces: everything else native is the helper's, in its own process.
 */
#define _GNU_SOURCE
#include <jni.h>
#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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
