package jrun.spec;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jrun.JrunException;

/**
 * Typed reads of one OCI object's members, with errors that give the JSON path. The path is
 * built only for an error (or when asked): a config has a few hundred members, and building
 * "process.capabilities.bounding[3]" for each cost ~0.3 ms of every create, interpreted.
 */
public final class Fields {
    private final Map<String, Object> map;
    private String path; // null until asked: parent's path, then key and index
    private final Fields parent;
    private final String key;
    private final int index;

    public Fields(Object value, String path) {
        this.path = path;
        this.parent = null;
        this.key = null;
        this.index = -1;
        this.map = ConfigTree.object(value, path.isEmpty() ? "(top level)" : path);
    }

    /** The object at parent's key (index -1), or at parent's key[index]. */
    @SuppressWarnings("unchecked")
    private Fields(Object value, Fields parent, String key, int index) {
        this.parent = parent;
        this.key = key;
        this.index = index;
        if (!(value instanceof Map<?, ?> m)) throw ConfigTree.typeError(here(), "an object", value);
        this.map = (Map<String, Object>) m;
    }

    /** Member key[index] of this object, which must itself be an object. */
    public Fields element(String key, Object value, int index) {
        return new Fields(value, this, key, index);
    }

    /** This object's own JSON path ("mounts[2]"). */
    public String here() {
        if (path == null) path = index < 0 ? parent.path(key) : parent.path(key) + "[" + index + "]";
        return path;
    }

    public String path(String key) {
        String p = here();
        return p.isEmpty() ? key : p + "." + key;
    }

    public boolean has(String key) {
        return map.get(key) != null;
    }

    public Object raw(String key) {
        return map.get(key);
    }

    public String str(String key) {
        Object v = map.get(key);
        if (v instanceof String s) return s;
        if (v == null) throw new JrunException(path(key) + ": required");
        return ConfigTree.string(v, path(key));
    }

    public String optStr(String key, String dflt) {
        Object v = map.get(key);
        if (v instanceof String s) return s;
        return v == null ? dflt : ConfigTree.string(v, path(key));
    }

    public boolean bool(String key, boolean dflt) {
        Object v = map.get(key);
        if (v == null) return dflt;
        if (v instanceof Boolean b) return b;
        throw ConfigTree.typeError(path(key), "a boolean", v);
    }

    /** An integer in [min, max]; absent gives dflt. */
    public long integer(String key, long min, long max, long dflt) {
        Object v = map.get(key);
        if (v == null) return dflt;
        long l = small(v, min, max);
        return l != NOT_SMALL ? l : integer(v, path(key), min, max);
    }

    public Long optInteger(String key, long min, long max) {
        Object v = map.get(key);
        if (v == null) return null;
        long l = small(v, min, max);
        return l != NOT_SMALL ? l : integer(v, path(key), min, max);
    }

    private static final long NOT_SMALL = Long.MIN_VALUE;

    /** v as a long when it is a small integer in [min, max] (the usual case, with no path built), else NOT_SMALL. */
    private static long small(Object v, long min, long max) {
        if (v instanceof JsonNumber n && n.isInteger() && isSmall(n.text())) {
            long l = Long.parseLong(n.text());
            if (l >= min && l <= max && l != NOT_SMALL) return l;
        }
        return NOT_SMALL;
    }

    public static long integer(Object v, String path, long min, long max) {
        if (!(v instanceof JsonNumber n) || !n.isInteger()) throw ConfigTree.typeError(path, "an integer", v);
        if (isSmall(n.text())) { // most numbers: BigInteger's first use costs ~12 ms of class init
            long l = Long.parseLong(n.text());
            if (l < min || l > max) throw new JrunException(path + ": " + l + " is out of range [" + min + ", " + max + "]");
            return l;
        }
        BigInteger b = n.bigInteger();
        if (b.compareTo(BigInteger.valueOf(min)) < 0 || b.compareTo(BigInteger.valueOf(max)) > 0)
            throw new JrunException(path + ": " + b + " is out of range [" + min + ", " + max + "]");
        return b.longValue();
    }

    /** An unsigned 64-bit value (rlimits), returned as its two's-complement long. */
    public long unsigned64(String key) {
        Object v = map.get(key);
        if (v == null) throw new JrunException(path(key) + ": required");
        if (!(v instanceof JsonNumber n) || !n.isInteger()) throw ConfigTree.typeError(path(key), "an integer", v);
        if (isSmall(n.text()) && !n.text().startsWith("-")) return Long.parseLong(n.text());
        BigInteger b = n.bigInteger();
        if (b == null || b.signum() < 0 || b.bitLength() > 64) throw new JrunException(path(key) + ": " + b + " is out of range");
        return b.longValue();
    }

    /** Plain decimal digits (optionally negative) that certainly fit in a long. */
    static boolean isSmall(String t) {
        int start = t.startsWith("-") ? 1 : 0;
        if (t.length() - start < 1 || t.length() - start > 18) return false;
        for (int i = start; i < t.length(); i++) if (t.charAt(i) < '0' || t.charAt(i) > '9') return false;
        return true;
    }

    public List<String> strings(String key) {
        Object v = map.get(key);
        if (v == null) return List.of();
        List<Object> l = array(v, key);
        List<String> out = new ArrayList<>(l.size());
        for (int i = 0; i < l.size(); i++) {
            Object x = l.get(i);
            out.add(x instanceof String s ? s : ConfigTree.string(x, path(key) + "[" + i + "]"));
        }
        return out;
    }

    public List<Object> list(String key) {
        Object v = map.get(key);
        return v == null ? List.of() : array(v, key);
    }

    /** v, member key, as an array; its path is built only for the error. */
    @SuppressWarnings("unchecked")
    private List<Object> array(Object v, String key) {
        if (v instanceof List<?> l) return (List<Object>) l;
        throw ConfigTree.typeError(path(key), "an array", v);
    }

    public Fields object(String key) {
        Object v = map.get(key);
        return v == null ? null : new Fields(v, this, key, -1);
    }

    public Map<String, Object> map() {
        return map;
    }

    /** Refuses a member jrun does not apply yet, rather than silently ignoring it. */
    public void refuse(String key, String why) {
        Object v = map.get(key);
        if (v == null) return;
        if (v instanceof List<?> l && l.isEmpty()) return;
        if (v instanceof Map<?, ?> m && m.isEmpty()) return;
        if (v instanceof String s && s.isEmpty()) return;
        throw new JrunException(path(key) + ": not supported by jrun yet (" + why + ")");
    }
}
