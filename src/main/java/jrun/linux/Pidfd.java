package jrun.linux;

import jrun.JrunException;

/**
 * A signal sent through a pidfd from this process (libjrun.so), as the helper's SIGNAL step sends
 * it: the engine's kill. A helper per kill cost the engine a fork, an exec and a plan's round trip,
 * which made a warm kill about 4 ms slower than a warm state (docs/engine.md, Under Docker).
 */
public final class Pidfd {
    private Pidfd() {}

    private static final int EPERM = 1, ESRCH = 3;

    public static boolean available() {
        return PosixLock.available();
    }

    /**
     * Sends sig to pid if it is still the process that started at startTime (0: whichever it is).
     * A process that is gone is a JrunException "process PID: No such process", as the helper reports it.
     */
    public static void signal(long pid, long startTime, int sig) {
        int r = signal0((int) pid, startTime, sig);
        if (r == 0) return;
        String why = switch (-r) {
            case ESRCH -> "No such process";
            case EPERM -> "Operation not permitted";
            default -> "error " + -r;
        };
        throw new JrunException("signal " + sig + " to process " + pid + ": " + why);
    }

    private static native int signal0(int pid, long startTime, int sig);
}
