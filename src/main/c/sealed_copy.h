/*
 * sealed_copy.h: an executable's copy in a memfd sealed against every write, truncation and
 * growth (CVE-2019-5736). A process a container can see (the created init, an exec child, or
 * jrun-helper run again through a "#!/proc/self/exe" script) must never run a writable host file:
 * a container's process would open its /proc/PID/exe and write through it once it is not busy,
 * and root would run that on the next jrun command. The launcher execs jrun-helper from such a
 * copy; the helper, started any other way (Java's ProcessBuilder), re-execs itself from one.
 * Hand-written: a few calls that no library offers; shared by launcher.c and helper.c.
 */
#ifndef JRUN_SEALED_COPY_H
#define JRUN_SEALED_COPY_H

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#define JR_MFD_EXEC 0x10 /* Linux 6.3: executable on purpose (no kernel warning) */
#define JR_SEALED (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

/* Whether fd is such a copy: only a memfd can carry these seals. */
static inline int jr_is_sealed(int fd)
{
    int seals = fcntl(fd, F_GET_SEALS);
    return seals >= 0 && (seals & JR_SEALED) == JR_SEALED;
}

/* The sealed copy of the file open at fd (close-on-exec), or -1 with errno set. */
static inline int jr_sealed_copy(int fd)
{
    int copy = memfd_create("jrun-helper", MFD_CLOEXEC | MFD_ALLOW_SEALING | JR_MFD_EXEC);
    if (copy < 0 && errno == EINVAL) /* before Linux 6.3 */
        copy = memfd_create("jrun-helper", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    struct stat st;
    if (copy < 0 || fstat(fd, &st) < 0)
        goto fail;
    for (off_t at = 0; at < st.st_size;) {
        ssize_t n = sendfile(copy, fd, &at, (size_t)(st.st_size - at));
        if (n == 0)
            errno = EIO;
        if (n <= 0)
            goto fail;
    }
    if (fcntl(copy, F_ADD_SEALS, JR_SEALED) == 0)
        return copy;
fail:;
    int err = errno;
    if (copy >= 0)
        close(copy);
    errno = err;
    return -1;
}

#endif
