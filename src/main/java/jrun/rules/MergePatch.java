package jrun.rules;

import java.util.LinkedHashMap;
import java.util.Map;

/** An RFC 7386 JSON merge patch applied to the whole config: null removes, objects merge, anything else replaces. */
public record MergePatch(Map<String, Object> patch) implements ConfigEdit {

    @Override
    public boolean apply(Map<String, Object> config, Context ctx) {
        return merge(config, patch);
    }

    @SuppressWarnings("unchecked")
    private static boolean merge(Map<String, Object> target, Map<String, Object> patch) {
        boolean changed = false;
        for (Map.Entry<String, Object> e : patch.entrySet()) {
            String k = e.getKey();
            Object v = e.getValue();
            if (v == null) {
                if (target.containsKey(k)) {
                    target.remove(k);
                    changed = true;
                }
            } else if (v instanceof Map<?, ?> pm) {
                Object cur = target.get(k);
                if (!(cur instanceof Map<?, ?>)) {
                    cur = new LinkedHashMap<String, Object>();
                    target.put(k, cur);
                    changed = true;
                }
                changed |= merge((Map<String, Object>) cur, (Map<String, Object>) pm);
            } else if (!target.containsKey(k) || !Trees.equal(target.get(k), v)) {
                target.put(k, Trees.copy(v));
                changed = true;
            }
        }
        return changed;
    }

    @Override
    public boolean keepsMounts() {
        return !patch.containsKey("mounts");
    }

    @Override
    public String describe() {
        return "merge " + jrun.spec.Json.write(patch);
    }
}
