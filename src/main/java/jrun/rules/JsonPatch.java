package jrun.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jrun.JrunException;
import jrun.spec.ConfigTree;
import jrun.spec.Json;

/**
 * One RFC 6902 operation (add, remove, replace, move, copy, test) with RFC 6901 JSON Pointers.
 * A failed "test" throws {@link TestFailed}, which makes the whole rule not apply (as a failed
 * test makes a whole RFC 6902 patch fail); any other failure is an error naming the pointer.
 *
 * <p>One extension, for arrays whose order no one controls (Gatekeeper and Kyverno select by key
 * for the same reason): a token {@code [FIELD=VALUE]} selects the first object element whose
 * FIELD is VALUE, e.g. {@code /mounts/[destination=/etc/hosts]/options/-} ('/' needs no escape
 * inside brackets; destinations compare normalised). As the last token, add replaces that element
 * or appends one when none matches, and remove and replace need a match.
 */
public record JsonPatch(String op, String path, String from, Object value) implements ConfigEdit {

    /** A "test" operation did not hold; the rule's edits are rolled back. */
    public static final class TestFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TestFailed(String message) {
            super(message, null, false, false);
        }
    }

    public static final List<String> OPS = List.of("add", "remove", "replace", "move", "copy", "test");

    /** Splits a pointer into unescaped tokens; "" is the whole document. */
    public static List<String> tokens(String pointer) {
        if (pointer.isEmpty()) return List.of();
        if (!pointer.startsWith("/")) throw new IllegalArgumentException("a JSON Pointer starts with '/': " + pointer);
        List<String> out = new ArrayList<>();
        int start = 1;
        for (int i = 1; i <= pointer.length(); i++) {
            if (i == start && i < pointer.length() && pointer.charAt(i) == '[') {
                int close = pointer.indexOf(']', i);
                if (close < 0 || (close + 1 < pointer.length() && pointer.charAt(close + 1) != '/'))
                    throw new IllegalArgumentException("unclosed selector in pointer " + pointer + " (expected [FIELD=VALUE] between slashes)");
                String sel = pointer.substring(i, close + 1);
                if (sel.indexOf('=') < 2) throw new IllegalArgumentException("bad selector " + sel + " in pointer " + pointer + " (expected [FIELD=VALUE])");
                out.add(sel);
                i = close + 1;
                start = i + 1;
                continue;
            }
            if (i < pointer.length() && pointer.charAt(i) == '~'
                    && (i + 1 >= pointer.length() || (pointer.charAt(i + 1) != '0' && pointer.charAt(i + 1) != '1')))
                throw new IllegalArgumentException("bad escape '~' in pointer " + pointer + " (use ~0 or ~1)");
            if (i == pointer.length() || pointer.charAt(i) == '/') {
                String t = pointer.substring(start, i);
                out.add(t.indexOf('~') < 0 ? t : t.replace("~1", "/").replace("~0", "~"));
                start = i + 1;
            }
        }
        return out;
    }

    @Override
    public boolean apply(Map<String, Object> config, Context ctx) {
        switch (op) {
            case "add" -> add(config, path, Trees.copy(value));
            case "remove" -> remove(config, path);
            case "replace" -> {
                return replace(config);
            }
            case "move" -> {
                if (path.startsWith(from + "/")) throw fail("cannot move " + from + " into itself");
                if (path.equals(from)) return false;
                add(config, path, remove(config, from));
            }
            case "copy" -> add(config, path, Trees.copy(get(config, from)));
            case "test" -> {
                Object actual = find(config, path);
                if (actual == MISSING) throw new TestFailed("test " + path + ": no such value");
                if (!Trees.equal(actual, value))
                    throw new TestFailed("test " + path + ": found " + Json.write(actual) + ", not " + Json.write(value));
                return false;
            }
            default -> throw new IllegalStateException(op);
        }
        return true;
    }

    static final Object MISSING = new Object();

    static Object find(Object root, String pointer) {
        Object cur = root;
        for (String t : tokens(pointer)) {
            if (cur instanceof Map<?, ?> m) {
                if (!m.containsKey(t)) return MISSING;
                cur = m.get(t);
            } else if (cur instanceof List<?> l) {
                int i = isSelector(t) ? select(l, t) : arrayIndex(t);
                if (i < 0 || i >= l.size()) return MISSING;
                cur = l.get(i);
            } else {
                return MISSING;
            }
        }
        return cur;
    }

    private Object get(Map<String, Object> config, String pointer) {
        Object v = find(config, pointer);
        if (v == MISSING) throw fail("no value at " + pointer);
        return v;
    }

    private void add(Map<String, Object> config, String pointer, Object v) {
        List<String> t = tokens(pointer);
        if (t.isEmpty()) {
            Map<String, Object> m = ConfigTree.object(v, "value for \"\"");
            config.clear();
            config.putAll(m);
            return;
        }
        Object parent = parent(config, pointer, t);
        String last = t.get(t.size() - 1);
        if (parent instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked") Map<String, Object> mm = (Map<String, Object>) m;
            mm.put(last, v);
        } else {
            @SuppressWarnings("unchecked") List<Object> l = (List<Object>) parent;
            if (isSelector(last)) {
                int i = select(l, last);
                if (i >= 0) l.set(i, v);
                else l.add(v);
            } else {
                l.add(last.equals("-") ? l.size() : index(last, l.size(), true), v);
            }
        }
    }

    /** Replaces in place, so an object member keeps its position in the file. */
    @SuppressWarnings("unchecked")
    private boolean replace(Map<String, Object> config) {
        List<String> t = tokens(path);
        if (t.isEmpty()) {
            boolean same = Trees.equal(config, value);
            add(config, path, Trees.copy(value));
            return !same;
        }
        Object old = get(config, path);
        Object parent = parent(config, path, t);
        String last = t.get(t.size() - 1);
        if (parent instanceof Map<?, ?> m) ((Map<String, Object>) m).put(last, Trees.copy(value));
        else ((List<Object>) parent).set(isSelector(last) ? select((List<?>) parent, last) : index(last, ((List<?>) parent).size(), false), Trees.copy(value));
        return !Trees.equal(old, value);
    }

    private Object remove(Map<String, Object> config, String pointer) {
        List<String> t = tokens(pointer);
        if (t.isEmpty()) throw fail("cannot remove the whole document");
        Object parent = parent(config, pointer, t);
        String last = t.get(t.size() - 1);
        if (parent instanceof Map<?, ?> m) {
            if (!m.containsKey(last)) throw fail("no value at " + pointer);
            return m.remove(last);
        }
        List<?> l = (List<?>) parent;
        int i = isSelector(last) ? select(l, last) : index(last, l.size(), false);
        if (i < 0 || i >= l.size()) throw fail("no value at " + pointer);
        return l.remove(i);
    }

    private Object parent(Map<String, Object> config, String pointer, List<String> t) {
        Object cur = config;
        for (int i = 0; i < t.size() - 1; i++) {
            String k = t.get(i);
            Object next;
            if (cur instanceof Map<?, ?> m) {
                next = m.containsKey(k) ? m.get(k) : MISSING;
            } else if (cur instanceof List<?> l) {
                int j = isSelector(k) ? select(l, k) : index(k, l.size(), false);
                next = j >= 0 && j < l.size() ? l.get(j) : MISSING;
            } else {
                next = MISSING;
            }
            if (next == MISSING || !(next instanceof Map<?, ?> || next instanceof List<?>))
                throw fail("no object or array at /" + String.join("/", t.subList(0, i + 1)) + " (on the way to " + pointer + ")");
            cur = next;
        }
        return cur;
    }

    private int index(String t, int size, boolean forAdd) {
        int i = arrayIndex(t);
        if (i < 0) {
            if (forAdd || !t.equals("-")) throw fail("\"" + t + "\" is not an array index in " + path);
            return -1;
        }
        if (forAdd && i > size) throw fail("index " + i + " is past the end of the array (size " + size + ") in " + path);
        return i;
    }

    static boolean isSelector(String t) {
        return t.length() > 3 && t.charAt(0) == '[' && t.charAt(t.length() - 1) == ']' && t.indexOf('=') > 1;
    }

    /** Index of the first object element whose field is the selector's value (as text; destinations normalised), or -1. */
    static int select(List<?> l, String selector) {
        int eq = selector.indexOf('=');
        String field = selector.substring(1, eq), want = selector.substring(eq + 1, selector.length() - 1);
        boolean dest = field.equals("destination");
        if (dest) want = ConfigTree.normalizeDestination(want);
        for (int i = 0; i < l.size(); i++) {
            if (!(l.get(i) instanceof Map<?, ?> m)) continue;
            Object v = m.get(field);
            String text = v instanceof String s ? (dest ? ConfigTree.normalizeDestination(s) : s)
                    : v instanceof jrun.spec.JsonNumber n ? n.text() : v instanceof Boolean b ? b.toString() : null;
            if (want.equals(text)) return i;
        }
        return -1;
    }

    /** RFC 6901 array index ("0" or no leading zero, at most 9 digits), or -1. */
    static int arrayIndex(String t) {
        int n = t.length();
        if (n == 0 || n > 9 || (n > 1 && t.charAt(0) == '0')) return -1;
        int v = 0;
        for (int i = 0; i < n; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private JrunException fail(String message) {
        return new JrunException(op + " " + path + ": " + message);
    }

    @Override
    public boolean keepsMounts() {
        return !touchesMounts(path) && (from == null || !touchesMounts(from));
    }

    private static boolean touchesMounts(String p) {
        return p.isEmpty() || p.equals("/mounts") || p.startsWith("/mounts/");
    }

    @Override
    public String describe() {
        return switch (op) {
            case "move", "copy" -> op + " " + from + " to " + path;
            case "remove" -> "remove " + path;
            default -> op + " " + path + " " + Json.write(value);
        };
    }
}
