package jrun.spec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A lossless JSON reader and writer for OCI config and state files.
 *
 * <p>Hand-written because a JVM start is our latency: Jackson adds ~170 ms and Parsson ~25 ms to
 * every run (shared/notes/machine-facts.md), and neither keeps number text exactly.
 *
 * <p>Values: objects are {@code LinkedHashMap<String,Object>} (member order kept), arrays
 * {@code ArrayList<Object>}, strings {@code String}, numbers {@link JsonNumber} (the exact source
 * text, so 2^64-1 survives), booleans {@code Boolean}, and JSON null is Java {@code null}.
 * The writer reproduces the input's indentation style (compact, tabs or spaces).
 */
public final class Json {
    private static final int MAX_DEPTH = 1000;

    private Json() {}

    /** How a document was laid out, so a rewrite looks like the original. */
    public record Style(String indent) {
        public static final Style COMPACT = new Style(null);
        public static final Style TWO_SPACES = new Style("  ");
    }

    /** A parsed document and its layout. */
    public record Document(Object root, Style style) {}

    public static Object parse(String text) {
        return new Parser(text).parseDocument();
    }

    public static Document parseDocument(String text) {
        Object root = new Parser(text).parseDocument();
        return new Document(root, detectStyle(text));
    }

    /** Decodes strict UTF-8 (invalid bytes are an error, never replaced) and parses. */
    public static Document parseDocument(byte[] utf8) {
        return parseDocument(decodeUtf8(utf8));
    }

    public static String decodeUtf8(byte[] utf8) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new JsonSyntaxException("invalid UTF-8", 0, 0);
        }
    }

    private static Style detectStyle(String text) {
        int open = text.indexOf('{');
        if (open < 0) open = text.indexOf('[');
        if (open < 0) return Style.COMPACT;
        int nl = -1;
        for (int i = open + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') nl = i;
            else if (c != ' ' && c != '\t' && c != '\r') {
                return nl < 0 ? Style.COMPACT : new Style(text.substring(nl + 1, i));
            }
        }
        return Style.COMPACT;
    }

    public static String write(Object value) {
        return write(value, Style.COMPACT);
    }

    public static String write(Object value, Style style) {
        StringBuilder sb = new StringBuilder(4096);
        writeValue(sb, value, style.indent(), 0);
        if (style.indent() != null) sb.append('\n');
        return sb.toString();
    }

    /*
     * An if-chain, not a pattern switch: a type switch bootstraps through invokedynamic on its
     * first run, which the AOT cache does not keep, and that cost every command that writes JSON.
     */
    @SuppressWarnings("unchecked")
    private static void writeValue(StringBuilder sb, Object v, String indent, int depth) {
        if (v == null) sb.append("null");
        else if (v instanceof String s) writeString(sb, s);
        else if (v instanceof JsonNumber n) sb.append(n.text());
        else if (v instanceof Boolean b) sb.append(b ? "true" : "false");
        else if (v instanceof Integer i) sb.append(i.intValue());
        else if (v instanceof Long l) sb.append(l.longValue());
        else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append('{');
            boolean first = true;
            for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
                if (!first) sb.append(',');
                first = false;
                newline(sb, indent, depth + 1);
                writeString(sb, e.getKey());
                sb.append(indent == null ? ":" : ": ");
                writeValue(sb, e.getValue(), indent, depth + 1);
            }
            newline(sb, indent, depth);
            sb.append('}');
        } else if (v instanceof List<?> l) {
            if (l.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) sb.append(',');
                newline(sb, indent, depth + 1);
                writeValue(sb, l.get(i), indent, depth + 1);
            }
            newline(sb, indent, depth);
            sb.append(']');
        } else {
            throw new IllegalArgumentException("not a JSON value: " + v.getClass().getName());
        }
    }

    private static void newline(StringBuilder sb, String indent, int depth) {
        if (indent == null) return;
        sb.append('\n');
        for (int i = 0; i < depth; i++) sb.append(indent);
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    public static void writeString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    boolean loneSurrogate = Character.isSurrogate(c)
                            && !(Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)));
                    if (Character.isHighSurrogate(c) && !loneSurrogate) {
                        sb.append(c).append(s.charAt(++i));
                    } else if (c < 0x20 || loneSurrogate || c == '\u2028' || c == '\u2029') {
                        sb.append("\\u").append(HEX[c >> 12 & 15]).append(HEX[c >> 8 & 15])
                                .append(HEX[c >> 4 & 15]).append(HEX[c & 15]);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** Recursive descent over a String; errors carry line and column (1-based). */
    private static final class Parser {
        private final String s;
        private int pos;
        private int depth;

        Parser(String s) {
            this.s = s;
        }

        Object parseDocument() {
            if (s.startsWith("\uFEFF")) pos = 1;
            skipWs();
            if (pos >= s.length()) throw error("empty document");
            Object v = value();
            skipWs();
            if (pos < s.length()) throw error("unexpected '" + s.charAt(pos) + "' after the document");
            return v;
        }

        private Object value() {
            if (pos >= s.length()) throw error("unexpected end of input, expected a value");
            char c = s.charAt(pos);
            return switch (c) {
                case '{' -> object();
                case '[' -> array();
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) yield number();
                    throw error("unexpected '" + printable(c) + "', expected a value");
                }
            };
        }

        private Object literal(String word, Object v) {
            if (!s.startsWith(word, pos)) throw error("invalid literal, expected " + word);
            pos += word.length();
            return v;
        }

        private Map<String, Object> object() {
            enter();
            pos++;
            Map<String, Object> m = new LinkedHashMap<>();
            skipWs();
            if (peek() == '}') {
                pos++;
                depth--;
                return m;
            }
            while (true) {
                skipWs();
                if (peek() != '"') throw error("expected a member name in double quotes");
                String key = string();
                skipWs();
                if (peek() != ':') throw error("expected ':' after member name \"" + key + "\"");
                pos++;
                skipWs();
                m.put(key, value());
                skipWs();
                char c = peek();
                pos++;
                if (c == '}') break;
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or '}' in object");
                }
            }
            depth--;
            return m;
        }

        private List<Object> array() {
            enter();
            pos++;
            List<Object> l = new ArrayList<>();
            skipWs();
            if (peek() == ']') {
                pos++;
                depth--;
                return l;
            }
            while (true) {
                skipWs();
                l.add(value());
                skipWs();
                char c = peek();
                pos++;
                if (c == ']') break;
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or ']' in array");
                }
            }
            depth--;
            return l;
        }

        private void enter() {
            if (++depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
        }

        private String string() {
            pos++; // opening quote
            StringBuilder sb = null;
            int start = pos;
            while (true) {
                if (pos >= s.length()) throw error("unterminated string");
                char c = s.charAt(pos);
                if (c == '"') {
                    String out = sb == null ? s.substring(start, pos) : sb.append(s, start, pos).toString();
                    pos++;
                    return out;
                }
                if (c < 0x20) throw error("control character in string (escape it)");
                if (c == '\\') {
                    if (sb == null) sb = new StringBuilder();
                    sb.append(s, start, pos);
                    pos++;
                    if (pos >= s.length()) throw error("unterminated escape");
                    char e = s.charAt(pos++);
                    switch (e) {
                        case '"' -> sb.append('"');
                        case '\\' -> sb.append('\\');
                        case '/' -> sb.append('/');
                        case 'b' -> sb.append('\b');
                        case 'f' -> sb.append('\f');
                        case 'n' -> sb.append('\n');
                        case 'r' -> sb.append('\r');
                        case 't' -> sb.append('\t');
                        case 'u' -> {
                            if (pos + 4 > s.length()) throw error("short \\u escape");
                            int cp = 0;
                            for (int i = 0; i < 4; i++) {
                                int d = Character.digit(s.charAt(pos + i), 16);
                                if (d < 0) throw error("bad hex digit in \\u escape");
                                cp = cp * 16 + d;
                            }
                            pos += 4;
                            sb.append((char) cp);
                        }
                        default -> {
                            pos--;
                            throw error("invalid escape '\\" + printable(e) + "'");
                        }
                    }
                    start = pos;
                } else {
                    pos++;
                }
            }
        }

        private JsonNumber number() {
            int start = pos;
            if (peek() == '-') pos++;
            if (peek() == '0') {
                pos++;
            } else if (isDigit(peek())) {
                while (isDigit(peek())) pos++;
            } else {
                throw error("invalid number");
            }
            if (peek() == '.') {
                pos++;
                if (!isDigit(peek())) throw error("invalid number: digit expected after '.'");
                while (isDigit(peek())) pos++;
            }
            if (peek() == 'e' || peek() == 'E') {
                pos++;
                if (peek() == '+' || peek() == '-') pos++;
                if (!isDigit(peek())) throw error("invalid number: digit expected in exponent");
                while (isDigit(peek())) pos++;
            }
            return new JsonNumber(s.substring(start, pos));
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        private void skipWs() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') pos++;
                else break;
            }
        }

        private static String printable(char c) {
            return c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c);
        }

        private JsonSyntaxException error(String msg) {
            int line = 1, col = 1;
            for (int i = 0; i < Math.min(pos, s.length()); i++) {
                if (s.charAt(i) == '\n') {
                    line++;
                    col = 1;
                } else {
                    col++;
                }
            }
            if (pos >= s.length() && !msg.startsWith("unexpected end") && !msg.startsWith("empty"))
                msg = msg + " (unexpected end of input)";
            return new JsonSyntaxException(msg, line, col);
        }
    }
}
