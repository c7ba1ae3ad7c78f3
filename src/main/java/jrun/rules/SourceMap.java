package jrun.rules;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

import jrun.JrunException;
import jrun.spec.Json;

/**
 * Where each value of a parsed rule file came from, so an error found after parsing (an unknown
 * condition, a bad regex) still names FILE:LINE:COLUMN. Filled by {@link Json#parse(String,
 * Json.Positions)} and by {@link YamlReader}; values are looked up by the container holding them
 * and their key, since scalars have no identity.
 *
 * <p>A lazy map ({@link #lazy}) records nothing while the file is parsed (recording costs more
 * than the parse itself on a cold JVM); the first question about a position re-parses the text
 * with recording on and pairs the two trees' containers by walking them side by side.
 */
public final class SourceMap implements Json.Positions {
    private final String file;
    private final String text;
    private int[] lineStarts;
    private final IdentityHashMap<Object, Map<Object, Integer>> members = new IdentityHashMap<>();
    private final IdentityHashMap<Object, Integer> containers = new IdentityHashMap<>();
    private final java.util.function.Function<SourceMap, Object> reparse; // null: this map records
    private Object root;
    private IdentityHashMap<Object, Object> twins; // container of the first parse -> same container of the re-parse
    private SourceMap recorded;

    public SourceMap(String file, String text) {
        this(file, text, null);
    }

    private SourceMap(String file, String text, java.util.function.Function<SourceMap, Object> reparse) {
        this.file = file;
        this.text = text;
        this.reparse = reparse;
    }

    /** A map that records nothing now; reparse(map) must parse the same text again into map. Call {@link #root} after parsing. */
    public static SourceMap lazy(String file, String text, java.util.function.Function<SourceMap, Object> reparse) {
        return new SourceMap(file, text, reparse);
    }

    /** The root of the first parse, for a lazy map. */
    public void root(Object root) {
        this.root = root;
    }

    private Object twin(Object container) {
        if (recorded == null) {
            recorded = new SourceMap(file, text);
            Object again = reparse.apply(recorded);
            twins = new IdentityHashMap<>();
            pair(root, again);
        }
        return twins.get(container);
    }

    private void pair(Object a, Object b) {
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            twins.put(a, b);
            for (Map.Entry<?, ?> e : x.entrySet()) pair(e.getValue(), y.get(e.getKey()));
        } else if (a instanceof java.util.List<?> x && b instanceof java.util.List<?> y && x.size() == y.size()) {
            twins.put(a, b);
            for (int i = 0; i < x.size(); i++) pair(x.get(i), y.get(i));
        }
    }

    public String file() {
        return file;
    }

    @Override
    public void at(Object container, Object key, Object value, int offset) {
        if (reparse != null) return;
        if (container != null) members.computeIfAbsent(container, c -> new HashMap<>()).put(key, offset);
        if (value instanceof Map<?, ?> || value instanceof java.util.List<?>) containers.putIfAbsent(value, offset);
    }

    /** "FILE:LINE:COLUMN" of the value at key in container (or of the container when unknown). */
    public String where(Object container, Object key) {
        if (reparse != null) {
            Object t = twin(container);
            return t == null ? file : recorded.where(t, key);
        }
        Map<Object, Integer> m = members.get(container);
        Integer off = m == null ? null : m.get(key);
        return off != null ? where(off.intValue()) : where(container);
    }

    /** "FILE:LINE:COLUMN" of a map or list value. */
    public String where(Object node) {
        if (reparse != null) {
            Object t = twin(node);
            return t == null ? file : recorded.where(t);
        }
        Integer off = containers.get(node);
        return off == null ? file : where(off.intValue());
    }

    public String where(int offset) {
        int[] starts = lineStarts();
        int lo = 0, hi = starts.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (starts[mid] <= offset) lo = mid;
            else hi = mid - 1;
        }
        return file + ":" + (lo + 1) + ":" + (offset - starts[lo] + 1);
    }

    public JrunException error(Object container, Object key, String message) {
        return new JrunException(where(container, key) + ": " + message);
    }

    public JrunException error(Object node, String message) {
        return new JrunException(where(node) + ": " + message);
    }

    private int[] lineStarts() {
        if (lineStarts == null) {
            int n = 1;
            for (int i = 0; i < text.length(); i++) if (text.charAt(i) == '\n') n++;
            int[] s = new int[n];
            for (int i = 0, k = 1; i < text.length(); i++) if (text.charAt(i) == '\n') s[k++] = i + 1;
            lineStarts = s;
        }
        return lineStarts;
    }
}
