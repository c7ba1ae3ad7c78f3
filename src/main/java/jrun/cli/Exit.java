package jrun.cli;

/** Ends a command: flushes stdout and stderr, then halts. */
public final class Exit {
    private Exit() {}

    /**
     * Runtime.halt, not System.exit: since JDK 17 exit() logs through System.Logger, which loads
     * the logging machinery on every command; we register no shutdown hooks, so nothing is lost.
     */
    public static void now(int status) {
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(status);
    }
}
