package jrun;

/**
 * The one failure type users see: {@link #getMessage()} is a complete, single line naming the
 * file, field or flag at fault. Anything else that escapes to the top is a bug and is shown as an
 * internal error (with its stack trace only under --debug).
 */
public class JrunException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public JrunException(String message) {
        this(message, 1, null);
    }

    public JrunException(String message, Throwable cause) {
        this(message, 1, cause);
    }

    public JrunException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /** A bad command line: exit status 2, message names the flag. */
    public static JrunException usage(String message) {
        return new JrunException(message, 2, null);
    }
}
