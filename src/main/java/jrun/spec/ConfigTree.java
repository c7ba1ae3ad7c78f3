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
}
