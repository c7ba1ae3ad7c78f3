package jrun.rules;

import java.util.Map;

import jrun.spec.ConfigTree;

/** Sets, defaults (only when absent) or removes (value null) one annotation. */
public record AnnotationEdit(String key, String value, boolean onlyIfAbsent) implements KeepsMountsEdit {

    @Override
    public boolean apply(Map<String, Object> config, Context ctx) {
        if (value == null) {
            Map<String, Object> a = ConfigTree.optObject(config, "annotations", "annotations");
            if (a == null || !a.containsKey(key)) return false;
            a.remove(key);
            return true;
        }
        Map<String, Object> a = ConfigTree.objectAt(config, "annotations", "annotations");
        if (a.containsKey(key) && (onlyIfAbsent || value.equals(a.get(key)))) return false;
        a.put(key, value);
        return true;
    }

    @Override
    public String describe() {
        return value == null ? "remove annotation " + key : (onlyIfAbsent ? "default" : "set") + " annotation " + key + "=" + value;
    }
}
