package jrun.linux.seccomp;

import java.util.List;

/**
 * A compiled {@code linux.seccomp}: the filter as a native-endian struct sock_filter array for
 * seccomp(SECCOMP_SET_MODE_FILTER, flags, &{len, filter}), the flags to pass (NEW_LISTENER is
 * set when a rule notifies; TSYNC is dropped: the helper is single-threaded and runc ignores it
 * too), the listener to hand the notify fd to, and warnings (ignored syscall names).
 */
public record SeccompProgram(byte[] filter, long flags, String listenerPath, String listenerMetadata,
        List<String> warnings) {
    public static final long FLAG_TSYNC = 1, FLAG_LOG = 2, FLAG_SPEC_ALLOW = 4, FLAG_NEW_LISTENER = 8,
            FLAG_TSYNC_ESRCH = 16, FLAG_WAIT_KILLABLE_RECV = 32;

    /** Instructions in the filter (sock_fprog.len). */
    public int length() {
        return filter.length / 8;
    }

    public boolean needsListener() {
        return (flags & FLAG_NEW_LISTENER) != 0;
    }
}
