package jrun.runtime;

import java.nio.file.Path;

/**
 * How to create a container, from the command line: the bundle, the caller's console socket,
 * --no-pivot, --no-new-keyring, how many extra fds to pass (--preserve-fds plus LISTEN_FDS), and
 * whether the helper stays to wait for the container (`run` in the foreground).
 */
public record CreateOptions(Path bundle, String pidFile, String consoleSocket, boolean noPivot, boolean noNewKeyring,
        int preserveFds, int listenFds, boolean foreground) {
    public int extraFds() {
        return preserveFds + listenFds;
    }
}
