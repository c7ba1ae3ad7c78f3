package jrun.spec;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
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

    /**
     * How a document was laid out, so a rewrite looks like the original: the indent (null for
     * compact), whether Go's HTML-safe escapes of &lt; &gt; &amp; were used (Docker and Podman write
     * them), and whether the text ended with a newline.
     */
    public record Style(String indent, boolean htmlEscapes, boolean finalNewline) {
        public static final Style COMPACT = new Style(null, false, false);
        public static final Style TWO_SPACES = new Style("  ", false, true);
    }

    /** A parsed document, its layout, and the text it was parsed from. */
    public record Document(Object root, Style style, String source) {}

    public static Object parse(String text) {
        return new Parser(text).parseDocument();
    }

    /**
     * Receives where each value starts while parsing, for tools that report line:column of
     * errors found after parsing (the rules loader). {@code key} is the member name (String) or
     * element index (Integer) of {@code value} inside {@code container}; the root has container null.
     */
    public interface Positions {
        void at(Object container, Object key, Object value, int offset);
    }

    public static Object parse(String text, Positions positions) {
        Parser p = new Parser(text);
        p.positions = positions;
        return p.parseDocument();
    }

    public static Document parseDocument(String text) {
        Object root = new Parser(text).parseDocument();
        return new Document(root, detectStyle(text), text);
    }

    /** Decodes strict UTF-8 (invalid bytes are an error, never replaced) and parses. */
    public static Document parseDocument(byte[] utf8) {
        CharBuffer text = decode(utf8);
        Object root = new Parser(text.array(), text.limit()).parseDocument();
        String source = new String(text.array(), 0, text.limit());
        return new Document(root, detectStyle(source), source);
    }

    /** parseDocument's root alone: no copy of the text, no layout (what a runtime's create needs). */
    public static Object parseRoot(byte[] utf8) {
        CharBuffer text = decode(utf8);
        return new Parser(text.array(), text.limit()).parseDocument();
    }

    public static String decodeUtf8(byte[] utf8) {
        return decode(utf8).toString();
    }

    /** Strict UTF-8 into a heap buffer, whose array the parser reads from 0 to limit. */
    private static CharBuffer decode(byte[] utf8) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8));
        } catch (CharacterCodingException e) {
            throw new JsonSyntaxException("invalid UTF-8", 0, 0);
        }
    }

    private static Style detectStyle(String text) {
        boolean html = text.contains("\\u003c") || text.contains("\\u003e") || text.contains("\\u0026");
        boolean newline = text.endsWith("\n");
        int open = text.indexOf('{');
        if (open < 0) open = text.indexOf('[');
        String indent = null;
        int nl = -1;
        for (int i = open + 1; open >= 0 && i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                nl = i;
            } else if (c != ' ' && c != '\t' && c != '\r') {
                if (nl >= 0) indent = text.substring(nl + 1, i);
                break;
            }
        }
        return new Style(indent, html, newline);
    }

    public static String write(Object value) {
        return write(value, Style.COMPACT);
    }

    public static String write(Object value, Style style) {
        StringBuilder sb = new StringBuilder(4096);
        new Writer(sb, style.indent(), style.htmlEscapes()).value(value, 0);
        if (style.finalNewline()) sb.append('\n');
        return sb.toString();
    }

    /** Serialises values; the indent and escape choices come from a {@link Style}. */
    private record Writer(StringBuilder sb, String indent, boolean html) {
        // instanceof, not a type-pattern switch: that bootstraps through SwitchBootstraps on first use
        @SuppressWarnings("unchecked")
        void value(Object v, int depth) {
            if (v == null) {
                sb.append("null");
            } else if (v instanceof String s) {
                writeString(sb, s, html);
            } else if (v instanceof JsonNumber n) {
                sb.append(n.text());
            } else if (v instanceof Boolean b) {
                sb.append(b ? "true" : "false");
            } else if (v instanceof Integer || v instanceof Long) {
                sb.append(((Number) v).longValue());
            } else if (v instanceof Map<?, ?> m) {
                if (m.isEmpty()) {
                    sb.append("{}");
                    return;
                }
                sb.append('{');
                boolean first = true;
                for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
                    if (!first) sb.append(',');
                    first = false;
                    newline(depth + 1);
                    writeString(sb, e.getKey(), html);
                    sb.append(indent == null ? ":" : ": ");
                    value(e.getValue(), depth + 1);
                }
                newline(depth);
                sb.append('}');
            } else if (v instanceof List<?> l) {
                if (l.isEmpty()) {
                    sb.append("[]");
                    return;
                }
                sb.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) sb.append(',');
                    newline(depth + 1);
                    value(l.get(i), depth + 1);
                }
                newline(depth);
                sb.append(']');
            } else {
                throw new IllegalArgumentException("not a JSON value: " + v.getClass().getName());
            }
        }

        private void newline(int depth) {
            if (indent == null) return;
            sb.append('\n');
            for (int i = 0; i < depth; i++) sb.append(indent);
        }
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    public static void writeString(StringBuilder sb, String s) {
        writeString(sb, s, false);
    }

    /** Writes a JSON string; with html, also escapes &lt; &gt; &amp; as Go's encoder does. */
    public static void writeString(StringBuilder sb, String s, boolean html) {
        sb.append('"');
        int n = s.length(), plain = 0;
        // Text with nothing to escape (nearly all) goes in whole: per-char appends cost ~10 interpreted calls each.
        char[] a = s.toCharArray();
        while (plain < n) {
            char c = a[plain];
            if (c < 0x20 || c == '"' || c == '\\' || c >= 0x2028 || (html && (c == '<' || c == '>' || c == '&'))) break;
            plain++;
        }
        if (plain == n) {
            sb.append(s).append('"');
            return;
        }
        sb.append(s, 0, plain);
        for (int i = plain; i < n; i++) {
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
                    } else if (c < 0x20 || loneSurrogate || c == '\u2028' || c == '\u2029'
                            || (html && (c == '<' || c == '>' || c == '&'))) {
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
        // A char[], not the String: in the interpreter jrun runs in, charAt is several calls per
        // character, and parsing a Docker config.json took ~2 ms that way.
        private final char[] a;
        private final int n;
        private int pos;
        private int depth;
        private Positions positions;

        Parser(char[] a, int n) {
            this.a = a;
            this.n = n;
        }

        Parser(String s) {
            this(s.toCharArray(), s.length());
        }

        Object parseDocument() {
            if (n > 0 && a[0] == '\uFEFF') pos = 1;
            skipWs();
            if (pos >= n) throw error("empty document");
            int start = pos;
            Object v = value();
            if (positions != null) positions.at(null, null, v, start);
            skipWs();
            if (pos < n) throw error("unexpected '" + a[pos] + "' after the document");
            return v;
        }

        private Object value() {
            if (pos >= n) throw error("unexpected end of input, expected a value");
            char c = a[pos];
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
            for (int i = 0; i < word.length(); i++)
                if (pos + i >= n || a[pos + i] != word.charAt(i)) throw error("invalid literal, expected " + word);
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
                int start = pos;
                Object v = value();
                m.put(key, v);
                if (positions != null) positions.at(m, key, v, start);
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
                int start = pos;
                Object v = value();
                l.add(v);
                if (positions != null) positions.at(l, l.size() - 1, v, start);
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
                if (pos >= n) throw error("unterminated string");
                char c = a[pos];
                if (c == '"') {
                    String out = sb == null ? new String(a, start, pos - start) : sb.append(a, start, pos - start).toString();
                    pos++;
                    return out;
                }
                if (c < 0x20) throw error("control character in string (escape it)");
                if (c == '\\') {
                    if (sb == null) sb = new StringBuilder();
                    sb.append(a, start, pos - start);
                    pos++;
                    if (pos >= n) throw error("unterminated escape");
                    char e = a[pos++];
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
                            if (pos + 4 > n) throw error("short \\u escape");
                            int cp = 0;
                            for (int i = 0; i < 4; i++) {
                                int d = Character.digit(a[pos + i], 16);
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
            return new JsonNumber(new String(a, start, pos - start));
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private char peek() {
            return pos < n ? a[pos] : '\0';
        }

        private void skipWs() {
            while (pos < n) {
                char c = a[pos];
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') pos++;
                else break;
            }
        }

        private static String printable(char c) {
            return c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c);
        }

        private JsonSyntaxException error(String msg) {
            int line = 1, col = 1;
            for (int i = 0; i < Math.min(pos, n); i++) {
                if (a[i] == '\n') {
                    line++;
                    col = 1;
                } else {
                    col++;
                }
            }
            if (pos >= n && !msg.startsWith("unexpected end") && !msg.startsWith("empty"))
                msg = msg + " (unexpected end of input)";
            return new JsonSyntaxException(msg, line, col);
        }
    }
}
