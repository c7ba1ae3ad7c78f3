package jrun.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

import jrun.spec.Json;

/**
 * Reports a failure once, at the top: one line on stderr, and the same message as a JSON line
 * ({"level":"error","msg":...,"time":...}) in the --log file when --log-format json is set, which
 * is the line containerd shows a Docker user.
 */
public final class ErrorLog {
    private ErrorLog() {}

    public static void report(String program, String message, String logFile, boolean json) {
        jrun.Invocation.current().err().println(program + ": " + oneLine(message));
        jrun.Invocation.current().err().flush();
        if (logFile != null && json) appendJson(logFile, "error", message);
    }

    /** An error is one line: a line break in it (a value quoted from the command line or a file) is shown as \\n. */
    public static String oneLine(String message) {
        if (message.indexOf('\n') < 0 && message.indexOf('\r') < 0) return message;
        return message.replace("\r", "\\r").replace("\n", "\\n");
    }

    public static void appendJson(String logFile, String level, String message) {
        StringBuilder sb = new StringBuilder(128).append("{\"level\":");
        Json.writeString(sb, level);
        sb.append(",\"msg\":");
        Json.writeString(sb, message);
        sb.append(",\"time\":");
        Json.writeString(sb, OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        sb.append("}\n");
        try {
            Files.writeString(Path.of(logFile), sb, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException | RuntimeException e) {
            jrun.Invocation.current().err().println("(could not also write the error to --log " + logFile + ": " + e.getMessage() + ")");
        }
    }
}
