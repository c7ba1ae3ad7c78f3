package jrun.rules;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jrun.spec.JsonNumber;

/** Deep copy and JSON equality over the jrun.spec.Json value model. */
final class Trees {
    private Trees() {}

    @SuppressWarnings("unchecked")
    static Object copy(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) out.put(e.getKey(), copy(e.getValue()));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) out.add(copy(o));
            return out;
        }
        return v;
    }

    /** JSON equality: numbers compare by value (1 == 1.0), objects ignore member order. */
    static boolean equal(Object a, Object b) {
        if (a instanceof JsonNumber x && b instanceof JsonNumber y) {
            return compare(x, y) == 0;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) return false;
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!y.containsKey(e.getKey()) || !equal(e.getValue(), y.get(e.getKey()))) return false;
            }
            return true;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) return false;
            for (int i = 0; i < x.size(); i++) if (!equal(x.get(i), y.get(i))) return false;
            return true;
        }
        return a == null ? b == null : a.equals(b);
    }

    /** Whether list holds an element JSON-equal to value. */
    static boolean contains(List<Object> list, Object value) {
        for (Object o : list) if (equal(o, value)) return true;
        return false;
    }

    /** Appends value unless list already holds a JSON-equal element; true when it was added. */
    static boolean addIfAbsent(List<Object> list, Object value) {
        if (contains(list, value)) return false;
        list.add(value);
        return true;
    }

    /**
     * Compares two JSON numbers by value. Plain integers that fit a long compare as longs:
     * BigDecimal's class initialisation alone costs ~5 ms on a cold JVM (measured, JDK 25).
     */
    static int compare(JsonNumber a, JsonNumber b) {
        long x = smallInteger(a.text()), y = smallInteger(b.text());
        if (x != NOT_SMALL && y != NOT_SMALL) return Long.compare(x, y);
        return new BigDecimal(a.text()).compareTo(new BigDecimal(b.text()));
    }

    static final long NOT_SMALL = Long.MIN_VALUE;

    /** The value of an integer of at most 18 digits (JSON syntax, so no '+' or leading zeros), or NOT_SMALL. */
    static long smallInteger(String t) {
        int i = t.startsWith("-") ? 1 : 0;
        if (t.length() == i || t.length() - i > 18) return NOT_SMALL;
        long v = 0;
        for (int k = i; k < t.length(); k++) {
            char c = t.charAt(k);
            if (c < '0' || c > '9') return NOT_SMALL;
            v = v * 10 + (c - '0');
        }
        return i == 1 ? -v : v;
    }

    static JsonNumber num(long v) {
        return JsonNumber.of(v);
    }
}
