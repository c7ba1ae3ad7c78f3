package jrun.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import jrun.JrunException;
import jrun.spec.ConfigTree;
import jrun.spec.JsonNumber;

/**
 * Typed reading of one parsed rule (or CDI) file: every wrong type, unknown key or bad regex is a
 * JrunException "FILE:LINE:COLUMN: what: message". Values are addressed by their container and
 * key, the way SourceMap records them.
 */
public record RuleInput(SourceMap src, Map<String, Pattern> patterns) {

    public RuleInput(SourceMap src) {
        this(src, new java.util.HashMap<>());
    }

    public JrunException error(Object container, Object key, String message) {
        return src.error(container, key, label(key) + message);
    }

    private static String label(Object key) {
        return key instanceof String s ? s + ": " : "";
    }

    public Object get(Map<String, Object> m, String key) {
        return m.get(key);
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> map(Object container, Object key, Object v) {
        if (v instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw error(container, key, "expected a mapping, found " + ConfigTree.describe(v));
    }

    @SuppressWarnings("unchecked")
    public List<Object> list(Object container, Object key, Object v) {
        if (v instanceof List<?> l) return (List<Object>) l;
        throw error(container, key, "expected a list, found " + ConfigTree.describe(v));
    }

    public String string(Object container, Object key, Object v) {
        if (v instanceof String s) return s;
        throw error(container, key, "expected a string, found " + ConfigTree.describe(v));
    }

    public boolean bool(Object container, Object key, Object v) {
        if (v instanceof Boolean b) return b;
        throw error(container, key, "expected true or false, found " + ConfigTree.describe(v));
    }

    public long integer(Object container, Object key, Object v) {
        if (v instanceof JsonNumber n && n.isInteger()) {
            long small = Trees.smallInteger(n.text());
            if (small != Trees.NOT_SMALL) return small; // the common case, without BigDecimal
            try {
                return n.bigInteger().longValueExact();
            } catch (ArithmeticException e) {
                throw error(container, key, "number out of range: " + n.text());
            }
        }
        throw error(container, key, "expected an integer, found " + ConfigTree.describe(v));
    }

    public String requireString(Map<String, Object> m, String key) {
        if (!m.containsKey(key)) throw src.error(m, "missing \"" + key + "\"");
        return string(m, key, m.get(key));
    }

    public String optString(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v == null ? null : string(m, key, v);
    }

    /** A string or a list of strings, as a list. */
    public List<String> strings(Object container, Object key, Object v) {
        if (v instanceof String s) return List.of(s);
        List<Object> l = list(container, key, v);
        List<String> out = new ArrayList<>(l.size());
        for (int i = 0; i < l.size(); i++) out.add(string(l, i, l.get(i)));
        return out;
    }

    public List<String> optStrings(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v == null ? List.of() : strings(m, key, v);
    }

    /**
     * The longest regex in a rule (docs/reliability.md): the JDK's compile of a long literal is
     * quadratic in its length (Boyer-Moore's tables; 58,000 characters took 2 s, found by FuzzTest).
     */
    public static final int MAX_REGEX = 4096;

    /** An anchored regex: it must match the whole value (unlike hooks.d, whose regexes are not anchored). */
    public Pattern regex(Object container, Object key, Object v) {
        String s = string(container, key, v);
        if (s.length() > MAX_REGEX) throw error(container, key, "a regex of " + s.length() + " characters; the limit is " + MAX_REGEX);
        Pattern cached = patterns.get(s); // rule files repeat regexes; compiling is the dear part of loading
        if (cached != null) return cached;
        try {
            Pattern p = Pattern.compile(s, isLiteral(s) ? Pattern.LITERAL : 0); // literal: cheaper to compile, same matches
            patterns.put(s, p);
            return p;
        } catch (PatternSyntaxException e) {
            throw error(container, key, "bad regex " + s + ": " + e.getDescription() + " near index " + e.getIndex());
        }
    }

    private static boolean isLiteral(String s) {
        for (int i = 0; i < s.length(); i++) if ("\\^$.|?*+()[]{}".indexOf(s.charAt(i)) >= 0) return false;
        return true;
    }

    /** Rejects keys outside allowed, naming the first unknown one and what is allowed. */
    public void keys(Map<String, Object> m, String what, Set<String> allowed) {
        for (String k : m.keySet()) {
            if (!allowed.contains(k)) {
                throw src.error(m, k, "unknown key \"" + k + "\" in " + what + " (expected one of "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    public String where(Object container, Object key) {
        return src.where(container, key);
    }
}
