package jrun.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jrun.JrunException;
import jrun.spec.Json;
import jrun.spec.JsonNumber;

/**
 * The YAML subset rule files and CDI specs use, read into the same values as {@link Json}
 * (LinkedHashMap, ArrayList, String, JsonNumber, Boolean, null) with positions in a SourceMap.
 *
 * <p>Hand-written because a YAML library costs more than the JVM start we save elsewhere. Measured
 * 2026-11-22 on this 2-core machine, JDK 25, AOT cache trained on all three, the launcher's JVM
 * flags, parsing bench/rules-bench.sh's 100-rule file (27 KB YAML, 43 KB as JSON), JVM start
 * 26.7 ms min / 30.1 ms median: snakeyaml-engine 2.10 (YAML 1.2) added 24.6 / 25.1 ms (and twice
 * the CPU), this reader 7.5 / 9.9 ms, jrun.spec.Json on the same rules 4.6 / 9.7 ms. A first try
 * with a 10-rule file showed snakeyaml's fixed cost alone at ~16 ms.
 * Re-measured for the engine 2026-12-06 (bench/yaml-bench.sh, SnakeYAML Engine 3.2 behind this interface): cold 1.5-1.9x the whole JVM, warm 6-11x this reader's time, so it stays.
 *
 * <p>Supported: block mappings and sequences (including "- key: v" items and sequences at the
 * parent key's indent), flow [..] and {..} (may span lines), plain, 'single' and "double" quoted
 * scalars, | and > block scalars (with - chomping), comments, one document with an optional ---.
 * Rejected with FILE:LINE:COLUMN: tabs in indentation, anchors, aliases, tags, complex keys,
 * duplicate keys, several documents, multi-line plain scalars. Plain scalars resolve as YAML 1.2
 * core: null/~, true/false, numbers (0o17 and 0x1F too; 017 is refused as ambiguous), else strings.
 */
public final class YamlReader {
    private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?");
    private final char[] c;
    private final SourceMap src;
    private final int[] starts; // offset of each line
    private final int[] ends;   // offset of each line's end (before \n or \r\n)
    private final int[] fns;    // first non-space offset of each line, -1 blank, TAB_INDENT: a tab before content
    private static final int TAB_INDENT = -2;
    private int line;
    private int depth;
    private static final int MAX_DEPTH = 200; // as deep as any rule file needs; the launcher's 1 MB stack holds it

    private YamlReader(String text, SourceMap src) {
        this.c = text.toCharArray();
        if (text.indexOf('\0') >= 0) jrun.spec.ConfigTree.noteNul(); // raw or escaped below: Spec then looks for it (ConfigTree.requireNoNul)
        this.src = src;
        List<int[]> ls = new ArrayList<>();
        int s = 0;
        for (int i = 0; i <= c.length; i++) {
            if (i == c.length || c[i] == '\n') {
                int e = i > s && c[i - 1] == '\r' ? i - 1 : i;
                ls.add(new int[] {s, e});
                s = i + 1;
            }
        }
        starts = new int[ls.size()];
        ends = new int[ls.size()];
        fns = new int[ls.size()];
        for (int i = 0; i < ls.size(); i++) {
            starts[i] = ls.get(i)[0];
            ends[i] = ls.get(i)[1];
            fns[i] = scanFirstNonSpace(starts[i], ends[i]);
        }
    }

    private int scanFirstNonSpace(int from, int end) {
        for (int p = from; p < end; p++) {
            if (c[p] == '\t') return skipSpaces(p, end) >= end ? -1 : TAB_INDENT;
            if (c[p] != ' ') return p;
        }
        return -1;
    }

    /** Parses text; every error is a JrunException "FILE:LINE:COLUMN: message". */
    public static Object parse(String text, SourceMap src) {
        if (text.startsWith("\uFEFF")) text = " " + text.substring(1);
        YamlReader r = new YamlReader(text, src);
        return r.document();
    }

    private Object document() {
        boolean started = false;
        for (line = 0; line < starts.length; line++) {
            int f = firstNonSpace(line);
            if (f < 0 || c[f] == '#') continue;
            if (c[f] == '%' && f == starts[line]) continue; // %YAML directive
            if (isMarker(line, "---")) {
                if (started) throw err(f, "a second document (---) is not supported");
                started = true;
                if (restIsBlank(f + 3)) continue;
                throw err(f, "put the document on the line after ---");
            }
            break;
        }
        skipBlank();
        if (line >= starts.length) {
            src.at(null, null, null, 0);
            return null;
        }
        int off = firstNonSpace(line);
        Object v = node(indentOf(line), -1);
        src.at(null, null, v, off);
        skipBlank();
        if (line < starts.length) {
            int f = firstNonSpace(line);
            if (isMarker(line, "---")) throw err(f, "a second document (---) is not supported");
            if (!isMarker(line, "...")) throw err(f, "unexpected content (check the indentation)");
        }
        return v;
    }

    /** A block node whose first line is the current one, at indentation ind (> parentIndent). */
    private Object node(int ind, int parentIndent) {
        int f = starts[line] + ind;
        if (++depth > MAX_DEPTH) throw err(f, "nesting deeper than " + MAX_DEPTH);
        try {
            return nodeAt(f, ind, parentIndent);
        } finally {
            depth--;
        }
    }

    private Object nodeAt(int f, int ind, int parentIndent) {
        char ch = c[f];
        if (ch == '-' && (f + 1 >= ends[line] || c[f + 1] == ' ')) return sequence(ind);
        if (keyEnd(f) >= 0) return mapping(ind);
        Object v = inlineValue(f, parentIndent);
        return v;
    }

    private List<Object> sequence(int ind) {
        List<Object> list = new ArrayList<>();
        while (true) {
            skipBlank();
            if (line >= starts.length || isDocEnd()) break;
            int li = indentOf(line);
            int f = starts[line] + li;
            if (li < ind) break;
            if (li > ind) throw err(f, "unexpected indentation");
            if (!(c[f] == '-' && (f + 1 >= ends[line] || c[f + 1] == ' '))) break;
            c[f] = ' '; // the item's content is a node at its own column
            fns[line] = scanFirstNonSpace(f, ends[line]);
            int g = firstNonSpace(line);
            Object v;
            int at;
            if (g < 0 || c[g] == '#') {
                at = f;
                line++;
                v = nestedOrNull(ind);
            } else {
                at = g;
                v = node(g - starts[line], ind);
            }
            list.add(v);
            src.at(list, list.size() - 1, v, at);
        }
        return list;
    }

    private Map<String, Object> mapping(int ind) {
        Map<String, Object> map = new LinkedHashMap<>();
        while (true) {
            skipBlank();
            if (line >= starts.length || isDocEnd()) break;
            int li = indentOf(line);
            int f = starts[line] + li;
            if (li < ind) break;
            if (li > ind) throw err(f, "unexpected indentation");
            int colon = keyEnd(f);
            if (colon < 0) {
                if (c[f] == '-') break; // a sequence at the parent's indent ends this mapping
                throw err(f, "expected \"key: value\"");
            }
            String key = key(f, colon);
            if (map.containsKey(key)) throw err(f, "duplicate key \"" + key + "\"");
            int vs = skipSpaces(colon + 1, ends[line]);
            Object v;
            int at = vs;
            if (vs >= ends[line] || c[vs] == '#') {
                at = f;
                line++;
                skipBlank();
                boolean seqHere = line < starts.length && indentOf(line) == ind && isDash(line);
                v = seqHere ? sequence(ind) : nestedOrNull(ind);
            } else {
                v = inlineValue(vs, ind);
            }
            map.put(key, v);
            src.at(map, key, v, at);
        }
        return map;
    }

    /** The node on following lines indented deeper than ind, or null when there is none. */
    private Object nestedOrNull(int ind) {
        skipBlank();
        if (line >= starts.length || isDocEnd()) return null;
        int li = indentOf(line);
        return li > ind ? node(li, ind) : null;
    }

    /** A value starting at offset p on the current line: flow, quoted, block scalar or plain. Consumes its lines. */
    private Object inlineValue(int p, int ind) {
        char ch = c[p];
        switch (ch) {
            case '&', '*', '!' -> throw err(p, "anchors, aliases and tags are not supported");
            case '?' -> throw err(p, "complex keys are not supported");
            case '|', '>' -> {
                return blockScalar(p, ind);
            }
            case '[', '{' -> {
                int[] pos = {p};
                Object v = flow(pos);
                endOfValue(pos[0]);
                return v;
            }
            case '"', '\'' -> {
                int[] pos = {p};
                String s = quoted(pos);
                endOfValue(pos[0]);
                return s;
            }
            default -> {
                int e = plainEnd(p, ends[line], false);
                String text = new String(c, p, e - p).strip();
                line++;
                checkNoContinuation(ind);
                return resolve(text, p);
            }
        }
    }

    private void endOfValue(int p) {
        int q = skipSpaces(p, ends[line]);
        if (q < ends[line] && c[q] != '#') throw err(q, "unexpected text after the value");
        line++;
    }

    private void checkNoContinuation(int ind) {
        int save = line;
        skipBlank();
        if (line < starts.length && indentOf(line) > ind && !isDocEnd()) {
            int f = firstNonSpace(line);
            if (keyEnd(f) < 0 && !isDash(line))
                throw err(f, "multi-line plain scalars are not supported: quote the value or use |");
        }
        line = save;
    }

    private String blockScalar(int p, int ind) {
        boolean literal = c[p] == '|';
        boolean strip = false, keep = false;
        int q = p + 1;
        while (q < ends[line] && c[q] != ' ' && c[q] != '#') {
            if (c[q] == '-') strip = true;
            else if (c[q] == '+') keep = true;
            else throw err(q, "block scalar indentation indicators are not supported");
            q++;
        }
        endOfValue(q);
        List<String> lines = new ArrayList<>();
        int blockInd = -1;
        while (line < starts.length) {
            int f = firstNonSpace(line);
            if (f < 0) {
                lines.add("");
                line++;
                continue;
            }
            int li = f - starts[line];
            if (blockInd < 0) {
                if (li <= ind) break;
                blockInd = li;
            }
            if (li < blockInd) break;
            lines.add(new String(c, starts[line] + blockInd, ends[line] - starts[line] - blockInd));
            line++;
        }
        int trailing = 0;
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
            trailing++;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (i > 0) {
                String prev = lines.get(i - 1);
                if (literal || l.startsWith(" ") || prev.startsWith(" ")) sb.append('\n');
                else if (l.isEmpty()) sb.append('\n'); // folded: an empty line is a newline; the break before it goes
                else if (!prev.isEmpty()) sb.append(' '); // folded: a break between two text lines is a space
            }
            sb.append(l);
        }
        if (!strip && !lines.isEmpty()) sb.append('\n');
        if (keep) sb.append("\n".repeat(trailing));
        return sb.toString();
    }

    /** A flow collection or scalar starting at pos[0]; may continue over following lines. */
    private Object flow(int[] pos) {
        if (++depth > MAX_DEPTH) throw err(pos[0], "nesting deeper than " + MAX_DEPTH);
        try {
            return flowAt(pos);
        } finally {
            depth--;
        }
    }

    private Object flowAt(int[] pos) {
        skipFlowSpace(pos);
        int p = pos[0];
        if (p >= c.length) throw err(p, "unterminated flow collection");
        char ch = c[p];
        if (ch == '[') {
            List<Object> list = new ArrayList<>();
            pos[0]++;
            while (true) {
                skipFlowSpace(pos);
                if (pos[0] < c.length && c[pos[0]] == ']') {
                    pos[0]++;
                    return list;
                }
                int at = pos[0];
                Object v = flow(pos);
                list.add(v);
                src.at(list, list.size() - 1, v, at);
                if (flowSeparator(pos, ']')) return list;
            }
        }
        if (ch == '{') {
            Map<String, Object> map = new LinkedHashMap<>();
            pos[0]++;
            while (true) {
                skipFlowSpace(pos);
                if (pos[0] < c.length && c[pos[0]] == '}') {
                    pos[0]++;
                    return map;
                }
                int kp = pos[0];
                Object k = flow(pos);
                if (!(k instanceof String key)) throw err(kp, "a mapping key must be a string");
                if (map.containsKey(key)) throw err(kp, "duplicate key \"" + key + "\"");
                skipFlowSpace(pos);
                if (pos[0] >= c.length || c[pos[0]] != ':') throw err(pos[0], "expected ':' after key \"" + key + "\"");
                pos[0]++;
                skipFlowSpace(pos);
                int at = pos[0];
                Object v = pos[0] < c.length && (c[pos[0]] == ',' || c[pos[0]] == '}') ? null : flow(pos);
                map.put(key, v);
                src.at(map, key, v, at);
                if (flowSeparator(pos, '}')) return map;
            }
        }
        if (ch == '"' || ch == '\'') return quoted(pos);
        if (ch == '&' || ch == '*' || ch == '!') throw err(p, "anchors, aliases and tags are not supported");
        int e = plainEnd(p, c.length, true);
        if (e == p) throw err(p, "expected a value");
        pos[0] = e;
        return resolve(new String(c, p, e - p).strip(), p);
    }

    private boolean flowSeparator(int[] pos, char close) {
        skipFlowSpace(pos);
        if (pos[0] >= c.length) throw err(c.length, "unterminated flow collection, expected '" + close + "'");
        char ch = c[pos[0]++];
        if (ch == close) return true;
        if (ch != ',') throw err(pos[0] - 1, "expected ',' or '" + close + "'");
        return false;
    }

    /** Skips spaces, newlines and comments inside a flow collection, keeping line in step. */
    private void skipFlowSpace(int[] pos) {
        int p = pos[0];
        while (p < c.length) {
            char ch = c[p];
            if (ch == '#' && (p == 0 || c[p - 1] == ' ' || c[p - 1] == '\n')) {
                while (p < c.length && c[p] != '\n') p++;
            } else if (ch == ' ' || ch == '\r' || ch == '\t') {
                p++;
            } else if (ch == '\n') {
                p++;
                line++;
            } else {
                break;
            }
        }
        pos[0] = p;
    }

    private String quoted(int[] pos) {
        int p = pos[0];
        char q = c[p++];
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (p >= c.length || c[p] == '\n') throw err(pos[0], "unterminated quoted string (multi-line quoted strings are not supported)");
            char ch = c[p];
            if (q == '\'' && ch == '\'') {
                if (p + 1 < c.length && c[p + 1] == '\'') {
                    sb.append('\'');
                    p += 2;
                    continue;
                }
                pos[0] = p + 1;
                return sb.toString();
            }
            if (q == '"' && ch == '"') {
                pos[0] = p + 1;
                return sb.toString();
            }
            if (q == '"' && ch == '\\') {
                if (p + 1 >= c.length) throw err(p, "unterminated escape");
                char e = c[p + 1];
                p += 2;
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case '0' -> {
                        sb.append('\0');
                        jrun.spec.ConfigTree.noteNul();
                    }
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'e' -> sb.append('\u001b');
                    case ' ' -> sb.append(' ');
                    case 'x', 'u', 'U' -> {
                        int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                        if (p + n > c.length) throw err(p - 2, "short \\" + e + " escape");
                        int cp = 0;
                        for (int i = 0; i < n; i++) {
                            int d = Character.digit(c[p + i], 16);
                            if (d < 0) throw err(p + i, "bad hex digit in \\" + e + " escape");
                            cp = cp * 16 + d;
                        }
                        if (!Character.isValidCodePoint(cp)) throw err(p - 2, "invalid code point in escape");
                        if (cp == 0) jrun.spec.ConfigTree.noteNul();
                        sb.appendCodePoint(cp);
                        p += n;
                    }
                    default -> throw err(p - 2, "invalid escape '\\" + e + "'");
                }
                continue;
            }
            sb.append(ch);
            p++;
        }
    }

    /** End of a plain scalar: before " #", at ": " (or ":" at the end), and in flow at , ] }. */
    private int plainEnd(int p, int limit, boolean inFlow) {
        int i = p;
        while (i < limit) {
            char ch = c[i];
            if (ch == '\n' || ch == '\r') break;
            if (ch == '#' && i > p && c[i - 1] == ' ') break;
            if (inFlow && (ch == ',' || ch == ']' || ch == '}' || ch == '[' || ch == '{')) break;
            if (ch == ':' && (i + 1 >= limit || c[i + 1] == ' ' || c[i + 1] == '\n' || c[i + 1] == '\r'
                    || (inFlow && (c[i + 1] == ',' || c[i + 1] == ']' || c[i + 1] == '}')))) {
                if (inFlow) break;
                throw err(i, "unexpected ': ' in a plain value (quote the value)");
            }
            i++;
        }
        int e = i;
        while (e > p && c[e - 1] == ' ') e--;
        return e;
    }

    /** Offset of the ':' ending a block mapping key on the line at f, or -1 when the line is no key. */
    private int keyEnd(int f) {
        int end = ends[line];
        int p = f;
        if (c[p] == '"' || c[p] == '\'') {
            int[] pos = {p};
            try {
                quoted(pos);
            } catch (JrunException e) {
                return -1;
            }
            p = skipSpaces(pos[0], end);
            return p < end && c[p] == ':' && (p + 1 >= end || c[p + 1] == ' ') ? p : -1;
        }
        if ("[{&*!|>#%@`".indexOf(c[p]) >= 0) return -1;
        if (c[p] == '-' && (p + 1 >= end || c[p + 1] == ' ')) return -1;
        for (; p < end; p++) {
            if (c[p] == '#' && p > f && c[p - 1] == ' ') return -1;
            if (c[p] == ':' && (p + 1 >= end || c[p + 1] == ' ')) return p;
        }
        return -1;
    }

    private String key(int f, int colon) {
        if (c[f] == '"' || c[f] == '\'') return quoted(new int[] {f});
        return new String(c, f, colon - f).strip();
    }

    private Object resolve(String s, int at) {
        switch (s) {
            case "", "~", "null", "Null", "NULL" -> {
                return null;
            }
            case "true", "True", "TRUE" -> {
                return Boolean.TRUE;
            }
            case "false", "False", "FALSE" -> {
                return Boolean.FALSE;
            }
            default -> { }
        }
        char f = s.charAt(0);
        if ("[]{}&*!|>'\"%@`,".indexOf(f) >= 0) throw err(at, "a plain value cannot start with '" + f + "' (quote it)");
        if (f == '-' || f == '+' || f == '.' || (f >= '0' && f <= '9')) {
            if (NUMBER.matcher(s).matches()) return new JsonNumber(s);
            if (s.matches("0o[0-7]+")) return new JsonNumber(new java.math.BigInteger(s.substring(2), 8).toString());
            if (s.matches("0x[0-9a-fA-F]+")) return new JsonNumber(new java.math.BigInteger(s.substring(2), 16).toString());
            if (s.matches("-?0[0-9]+")) throw err(at, "ambiguous number " + s + ": write 0o" + s.replaceFirst("^-?0+", "") + " for octal, or drop the leading 0");
        }
        return s;
    }

    private void skipBlank() {
        while (line < starts.length) {
            int f = firstNonSpace(line);
            if (f >= 0 && c[f] != '#') return;
            line++;
        }
    }

    private boolean isDocEnd() {
        return isMarker(line, "---") || isMarker(line, "...");
    }

    private boolean isMarker(int l, String m) {
        int s = starts[l];
        if (ends[l] - s < 3 || c[s] != m.charAt(0) || c[s + 1] != m.charAt(1) || c[s + 2] != m.charAt(2)) return false;
        return ends[l] - s == 3 || c[s + 3] == ' ';
    }

    private boolean isDash(int l) {
        int f = firstNonSpace(l);
        return f >= 0 && c[f] == '-' && (f + 1 >= ends[l] || c[f + 1] == ' ');
    }

    private boolean restIsBlank(int p) {
        int q = skipSpaces(p, ends[line]);
        return q >= ends[line] || c[q] == '#';
    }

    private int indentOf(int l) {
        return firstNonSpace(l) - starts[l];
    }

    /** First non-space offset on line l, or -1 for a blank line; a tab in the indentation is an error. */
    private int firstNonSpace(int l) {
        int v = fns[l];
        if (v == TAB_INDENT) throw err(starts[l] + indexOfTab(l), "tab in indentation (YAML allows spaces only)");
        return v;
    }

    private int indexOfTab(int l) {
        int p = starts[l];
        while (c[p] != '\t') p++;
        return p - starts[l];
    }

    private int skipSpaces(int p, int limit) {
        while (p < limit && (c[p] == ' ' || c[p] == '\t')) p++;
        return p;
    }

    private JrunException err(int offset, String message) {
        return new JrunException(src.where(offset) + ": " + message);
    }
}
