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
        return new Parser(text.getBytes(StandardCharsets.UTF_8)).parseDocument();
    }

    /**
     * Receives where each value starts while parsing, for tools that report line:column of
     * errors found after parsing (the rules loader). {@code key} is the member name (String) or
     * element index (Integer) of {@code value} inside {@code container}; the root has container null.
     * Offsets are char indexes into the text given to {@link #parse(String, Positions)}.
     */
    public interface Positions {
        void at(Object container, Object key, Object value, int offset);
    }

    public static Object parse(String text, Positions positions) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        Parser p = new Parser(utf8);
        if (utf8.length == text.length()) p.positions = positions; // ASCII: byte and char offsets agree
        else {
            int[] chars = charOffsets(utf8);
            p.positions = (container, key, value, offset) -> positions.at(container, key, value, chars[offset]);
        }
        return p.parseDocument();
    }

    /** For each byte offset of UTF-8 text, the char (UTF-16 unit) offset of the character it belongs to. */
    private static int[] charOffsets(byte[] utf8) {
        int[] out = new int[utf8.length + 1];
        // A character's units are counted at its lead byte.
        int ch = 0;
        for (int i = 0; i < utf8.length; i++) {
            int b = utf8[i] & 0xff;
            out[i] = ch;
            if (b < 0x80) ch++;
            else if (b >= 0xF0) ch += 2; // a supplementary character: a surrogate pair
            else if (b >= 0xC0) ch++;
        }
        out[utf8.length] = ch;
        return out;
    }

    public static Document parseDocument(String text) {
        Object root = new Parser(text.getBytes(StandardCharsets.UTF_8)).parseDocument();
        return new Document(root, detectStyle(text), text);
    }

    /** Decodes strict UTF-8 (invalid bytes are an error, never replaced) and parses. */
    public static Document parseDocument(byte[] utf8) {
        String source = decodeUtf8(utf8);
        Object root = new Parser(utf8).parseDocument();
        return new Document(root, detectStyle(source), source);
    }

    /**
     * parseDocument's root alone: no text, no layout (what a runtime's create needs). Parsed from
     * the bytes: decoding to chars first, and compressing each string back, were three loops
     * over every character, interpreted. Invalid UTF-8 is still an error.
     */
    public static Object parseRoot(byte[] utf8) {
        return new Parser(utf8).parseDocument();
    }

    public static String decodeUtf8(byte[] utf8) {
        return decode(utf8, 0, utf8.length);
    }

    /** Strict UTF-8: malformed input is an error, never replaced. */
    private static String decode(byte[] utf8, int from, int len) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8, from, len)).toString();
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

    /** Recursive descent over UTF-8 bytes; errors carry line and column (1-based). */
    private static final class Parser {
        // A byte[], the file's own bytes: in the interpreter jrun runs in, every per-character
        // loop counts (charAt was several calls per character; decoding to a char[] and
        // compressing strings back were loops of their own). Fields are read into locals in the
        // loops that scan, for the same reason.
        private final byte[] b;
        private final int n;
        private int pos;
        private int depth;
        private Positions positions;

        Parser(byte[] b) {
            this.b = b;
            this.n = b.length;
        }

        Object parseDocument() {
            if (n >= 3 && b[0] == (byte) 0xEF && b[1] == (byte) 0xBB && b[2] == (byte) 0xBF) pos = 3; // a BOM
            skipWs();
            if (pos >= n) throw error("empty document");
            int start = pos;
            Object v = value();
            if (positions != null) positions.at(null, null, v, start);
            skipWs();
            if (pos < n) throw error("unexpected '" + printable(pos) + "' after the document");
            return v;
        }

        private Object value() {
            if (pos >= n) throw error("unexpected end of input, expected a value");
            byte c = b[pos];
            return switch (c) {
                case '{' -> object();
                case '[' -> array();
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) yield number();
                    throw error("unexpected '" + printable(pos) + "', expected a value");
                }
            };
        }

        private Object literal(String word, Object v) {
            for (int i = 0; i < word.length(); i++)
                if (pos + i >= n || b[pos + i] != word.charAt(i)) throw error("invalid literal, expected " + word);
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
                int c = peek();
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
                int c = peek();
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
            byte[] b = this.b;
            int n = this.n;
            int p = pos + 1; // after the opening quote
            int start = p;
            boolean ascii = true;
            StringBuilder sb = null;
            while (true) {
                if (p >= n) {
                    pos = p;
                    throw error("unterminated string");
                }
                byte c = b[p];
                if (c == '"') {
                    String last = text(start, p, ascii);
                    pos = p + 1;
                    return sb == null ? last : sb.append(last).toString();
                }
                if (c >= 0 && c < 0x20) {
                    pos = p;
                    throw error("control character in string (escape it)");
                }
                if (c != '\\') {
                    if (c < 0) ascii = false;
                    p++;
                    continue;
                }
                if (sb == null) sb = new StringBuilder();
                sb.append(text(start, p, ascii));
                ascii = true;
                p++;
                if (p >= n) {
                    pos = p;
                    throw error("unterminated escape");
                }
                byte e = b[p++];
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
                        pos = p;
                        if (p + 4 > n) throw error("short \\u escape");
                        int cp = 0;
                        for (int i = 0; i < 4; i++) {
                            int d = Character.digit(b[p + i], 16);
                            if (d < 0) throw error("bad hex digit in \\u escape");
                            cp = cp * 16 + d;
                        }
                        p += 4;
                        if (cp == 0) ConfigTree.noteNul();
                        sb.append((char) cp);
                    }
                    default -> {
                        pos = p - 1;
                        throw error("invalid escape '\\" + printable(p - 1) + "'");
                    }
                }
                start = p;
            }
        }

        /** The text of bytes [from, to): ASCII is copied as is (Latin-1 is a plain copy); anything else is decoded strictly. */
        private String text(int from, int to, boolean ascii) {
            if (ascii) return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
            try {
                return decode(b, from, to - from);
            } catch (JsonSyntaxException x) {
                pos = from;
                throw error("invalid UTF-8 in string");
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
            return new JsonNumber(new String(b, start, pos - start, StandardCharsets.ISO_8859_1));
        }

        private static boolean isDigit(int c) {
            return c >= '0' && c <= '9';
        }

        private int peek() {
            return pos < n ? b[pos] : 0;
        }

        private void skipWs() {
            byte[] b = this.b;
            int n = this.n, p = pos;
            while (p < n) {
                byte c = b[p];
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') p++;
                else break;
            }
            pos = p;
        }

        /** The character at byte offset at, for an error message. */
        private String printable(int at) {
            if (at >= n) return "";
            int c = b[at] & 0xff;
            if (c < 0x20) return String.format("\\u%04x", c);
            if (c < 0x80) return String.valueOf((char) c);
            String s = new String(b, at, Math.min(4, n - at), StandardCharsets.UTF_8);
            return s.isEmpty() ? "?" : s.substring(0, Character.charCount(s.codePointAt(0)));
        }

        private JsonSyntaxException error(String msg) {
            int line = 1, col = 1;
            for (int i = 0; i < Math.min(pos, n); i++) {
                int c = b[i] & 0xff;
                if (c == '\n') {
                    line++;
                    col = 1;
                } else if (c < 0x80 || c >= 0xC0) {
                    col += c >= 0xF0 ? 2 : 1; // columns count chars (UTF-16 units), not bytes
                }
            }
            if (pos >= n && !msg.startsWith("unexpected end") && !msg.startsWith("empty"))
                msg = msg + " (unexpected end of input)";
            return new JsonSyntaxException(msg, line, col);
        }
    }
}
