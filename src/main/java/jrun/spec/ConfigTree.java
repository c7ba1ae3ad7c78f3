package jrun.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jrun.JrunException;

/**
 * Typed access to a parsed config.json tree that reports the JSON path of a field of the wrong
 * type ("mounts[2].options: expected an array of strings"), so errors name what is wrong.
 */
public final class ConfigTree {
    private ConfigTree() {}

    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(Object v, String path) {
        if (v instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw typeError(path, "an object", v);
    }

    @SuppressWarnings("unchecked")
    public static List<Object> array(Object v, String path) {
        if (v instanceof List<?> l) return (List<Object>) l;
        throw typeError(path, "an array", v);
    }

    public static String string(Object v, String path) {
        if (v instanceof String s) return s;
        throw typeError(path, "a string", v);
    }

    /** The object at key, or null when absent or JSON null; an error when it is not an object. */
    public static Map<String, Object> optObject(Map<String, Object> parent, String key, String path) {
        Object v = parent.get(key);
        return v == null ? null : object(v, path);
    }

    public static List<Object> optArray(Map<String, Object> parent, String key, String path) {
        Object v = parent.get(key);
        return v == null ? null : array(v, path);
    }

    /** The object at key, created (empty, appended last) when absent or null. */
    public static Map<String, Object> objectAt(Map<String, Object> parent, String key, String path) {
        Map<String, Object> m = optObject(parent, key, path);
        if (m == null) {
            m = new LinkedHashMap<>();
            parent.put(key, m);
        }
        return m;
    }

    public static List<Object> arrayAt(Map<String, Object> parent, String key, String path) {
        List<Object> l = optArray(parent, key, path);
        if (l == null) {
            l = new ArrayList<>();
            parent.put(key, l);
        }
        return l;
    }

    /** Whether a parser of this process (Json, YamlReader) has made a string holding a NUL. */
    private static volatile boolean nulSeen;

    /** Said by a parser that made a string holding a NUL (JSON's \\u0000, YAML's \\0), so requireNoNul looks. */
    public static void noteNul() {
        nulSeen = true;
    }

    /**
     * Refuses a NUL character anywhere in a config's strings, member names included, with the
     * JSON path of the first ("process.args[1]: ..."). The kernel ends a string at its first NUL,
     * so one would cut a path, an argument or a variable short; checked once for the whole tree,
     * before any string reaches a path, the helper's plan or a hook. Only a parser makes such a
     * string (argv and the environment cannot hold one), so the tree is walked only after one did:
     * the walk costs ~1 ms interpreted on Docker's config. The path is built only for the error.
     */
    public static void requireNoNul(Object tree) {
        if (!nulSeen) return;
        String at = nulAt(tree);
        if (at == null) return;
        boolean name = at.endsWith("\0");
        if (name) at = at.substring(0, at.length() - 1);
        if (at.startsWith(".")) at = at.substring(1);
        throw new JrunException((at.isEmpty() ? "(top level)" : at) + (name ? ": a member name contains" : ": contains")
                + " a NUL character (\\u0000), which no string given to the kernel may hold");
    }

    /** Where in v the first NUL is: "" for v itself, ".key[2]" below it, "\0" appended for a member name; null for none. */
    private static String nulAt(Object v) {
        if (v instanceof String s) return s.indexOf('\0') < 0 ? null : "";
        if (v instanceof List<?> l) {
            for (int i = 0, n = l.size(); i < n; i++) {
                Object x = l.get(i);
                if (x instanceof String s ? s.indexOf('\0') < 0 : x instanceof JsonNumber || x instanceof Boolean || x == null) continue;
                String r = nulAt(x);
                if (r != null) return "[" + i + "]" + r;
            }
        } else if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String k = String.valueOf(e.getKey());
                if (k.indexOf('\0') >= 0) return "." + k.replace('\0', '?') + "\0";
                String r = nulAt(e.getValue());
                if (r != null) return "." + k + r;
            }
        }
        return null;
    }

    public static JrunException typeError(String path, String expected, Object got) {
        return new JrunException(path + ": expected " + expected + ", found " + describe(got));
    }

    public static String describe(Object v) {
        if (v == null) return "null";
        if (v instanceof String) return "a string";
        if (v instanceof JsonNumber) return "a number";
        if (v instanceof Boolean) return "a boolean";
        if (v instanceof Map<?, ?>) return "an object";
        if (v instanceof List<?>) return "an array";
        return v.getClass().getSimpleName();
    }

    /**
     * Normalises a mount destination for comparison: collapses "//", drops "." and a trailing
     * "/", resolves "..", and treats a relative destination as relative to "/" (as runc does).
     */
    public static String normalizeDestination(String dest) {
        if (isNormal(dest)) return dest; // the common case, without allocating: rules compare every mount
        List<String> parts = new ArrayList<>();
        for (String p : dest.split("/")) {
            if (p.isEmpty() || p.equals(".")) continue;
            if (p.equals("..")) {
                if (!parts.isEmpty()) parts.remove(parts.size() - 1);
                continue;
            }
            parts.add(p);
        }
        return "/" + String.join("/", parts);
    }

    private static boolean isNormal(String d) {
        int n = d.length();
        if (n == 0 || d.charAt(0) != '/') return false;
        if (n == 1) return true;
        if (d.charAt(n - 1) == '/') return false;
        for (int i = 0; i < n; i++) {
            if (d.charAt(i) != '/') continue;
            // a segment starting at i+1 must not be empty, "." or ".."
            int j = i + 1;
            if (j < n && d.charAt(j) == '/') return false;
            if (j < n && d.charAt(j) == '.' && (j + 1 == n || d.charAt(j + 1) == '/'
                    || (d.charAt(j + 1) == '.' && (j + 2 == n || d.charAt(j + 2) == '/')))) return false;
        }
        return true;
    }
}
