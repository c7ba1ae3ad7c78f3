package jrun.spec;

/** Malformed JSON: the message, with 1-based line and column (0 when the position is unknown). */
public final class JsonSyntaxException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int line;
    private final int column;

    public JsonSyntaxException(String message, int line, int column) {
        super(message);
        this.line = line;
        this.column = column;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** "FILE:LINE:COLUMN: message", the form editors and the rules tooling use. */
    public String describe(String file) {
        return line > 0 ? file + ":" + line + ":" + column + ": " + getMessage() : file + ": " + getMessage();
    }
}
