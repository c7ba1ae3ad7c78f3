package jrun.rules;

import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import jrun.spec.Json;
import jrun.spec.JsonNumber;

/**
 * `pointer: {path: /linux/resources/memory/limit, exists|equals|matches|greaterThan|lessThan: X}`:
 * any field by JSON Pointer, for what the named conditions do not cover (a memory limit, a sysctl).
 * Every test given must hold; a missing value only satisfies `exists: false`.
 */
record PointerCondition(String path, Boolean exists, Object equals, Pattern matches, JsonNumber greaterThan,
        JsonNumber lessThan) implements Condition {

    static Condition parse(RuleInput in, Map<String, Object> parent, String key, Object v) {
        Map<String, Object> m = in.map(parent, key, v);
        in.keys(m, "pointer", Set.of("path", "exists", "equals", "matches", "greaterThan", "lessThan"));
        String path = in.requireString(m, "path");
        try {
            JsonPatch.tokens(path);
        } catch (IllegalArgumentException e) {
            throw in.error(m, "path", e.getMessage());
        }
        if (m.size() < 2) throw in.src().error(m, "pointer: give exists, equals, matches, greaterThan or lessThan");
        return new PointerCondition(path,
                m.containsKey("exists") ? in.bool(m, "exists", m.get("exists")) : null,
                m.containsKey("equals") ? Trees.copy(m.get("equals")) : NONE,
                m.containsKey("matches") ? in.regex(m, "matches", m.get("matches")) : null,
                number(in, m, "greaterThan"), number(in, m, "lessThan"));
    }

    private static final Object NONE = new Object();

    private static JsonNumber number(RuleInput in, Map<String, Object> m, String k) {
        if (!m.containsKey(k)) return null;
        if (m.get(k) instanceof JsonNumber n) return n;
        throw in.error(m, k, "expected a number");
    }

    @Override
    public boolean test(Map<String, Object> config) {
        Object v = JsonPatch.find(config, path);
        boolean present = v != null && v != JsonPatch.MISSING;
        if (exists != null && exists != present) return false;
        if (!present) return exists != null && equals == NONE && matches == null && greaterThan == null && lessThan == null;
        if (equals != NONE && !Trees.equal(v, equals)) return false;
        if (matches != null && !(v instanceof String s && Conditions.full(matches, s))) return false;
        if (greaterThan != null || lessThan != null) {
            if (!(v instanceof JsonNumber n)) return false;
            if (greaterThan != null && Trees.compare(n, greaterThan) <= 0) return false;
            if (lessThan != null && Trees.compare(n, lessThan) >= 0) return false;
        }
        return true;
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder(path);
        if (exists != null) sb.append(exists ? " exists" : " is absent");
        if (equals != NONE) sb.append(" == ").append(Json.write(equals));
        if (matches != null) sb.append(" =~ ").append(matches);
        if (greaterThan != null) sb.append(" > ").append(greaterThan.text());
        if (lessThan != null) sb.append(" < ").append(lessThan.text());
        return sb.toString();
    }
}
