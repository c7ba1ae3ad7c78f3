package jrun.runtime;

/**
 * How to run a process in a running container (`exec`): the caller's console socket, whether jrun
 * returns once it runs (--detach) or waits for its status, the pid file, extra fds, and
 * --ignore-paused.
 */
public record ExecOptions(String consoleSocket, boolean detach, String pidFile, int preserveFds, boolean ignorePaused) {}
