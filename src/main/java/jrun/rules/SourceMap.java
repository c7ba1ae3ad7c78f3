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
 */
public final class SourceMap implements Json.Positions {
    private final String file;
    private final String text;
    private int[] lineStarts;
    private final IdentityHashMap<Object, Map<Object, Integer>> members = new IdentityHashMap<>();
    private final IdentityHashMap<Object, Integer> containers = new IdentityHashMap<>();

    public SourceMap(String file, String text) {
        this.file = file;
        this.text = text;
    }

    public String file() {
        return file;
    }

    @Override
    public void at(Object container, Object key, Object value, int offset) {
        if (container != null) members.computeIfAbsent(container, c -> new HashMap<>()).put(key, offset);
        if (value instanceof Map<?, ?> || value instanceof java.util.List<?>) containers.putIfAbsent(value, offset);
    }

    /** "FILE:LINE:COLUMN" of the value at key in container (or of the container when unknown). */
    public String where(Object container, Object key) {
        Map<Object, Integer> m = members.get(container);
        Integer off = m == null ? null : m.get(key);
        return off != null ? where(off.intValue()) : where(container);
    }

    /** "FILE:LINE:COLUMN" of a map or list value. */
    public String where(Object node) {
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
