package jrun.rules;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jrun.spec.ConfigTree;
import jrun.spec.JsonNumber;

/** Sets (add or replace) or removes one entry of process.rlimits by type; names may leave out "RLIMIT_". */
public record RlimitEdit(String type, Long soft, Long hard, boolean remove) implements KeepsMountsEdit {

    public static String normalize(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        return n.startsWith("RLIMIT_") ? n : "RLIMIT_" + n;
    }

    @Override
    public boolean apply(Map<String, Object> config, Context ctx) {
        Map<String, Object> process = remove ? ConfigTree.optObject(config, "process", "process")
                : ConfigTree.objectAt(config, "process", "process");
        if (process == null) return false;
        List<Object> l = remove ? ConfigTree.optArray(process, "rlimits", "process.rlimits")
                : ConfigTree.arrayAt(process, "rlimits", "process.rlimits");
        if (l == null) return false;
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("type", type);
        if (hard != null) entry.put("hard", JsonNumber.of(hard));
        if (soft != null) entry.put("soft", JsonNumber.of(soft));
        for (int i = 0; i < l.size(); i++) {
            Map<String, Object> r = ConfigTree.object(l.get(i), "process.rlimits[" + i + "]");
            if (!type.equals(r.get("type"))) continue;
            if (remove) {
                l.remove(i);
                return true;
            }
            if (Trees.equal(r, entry)) return false;
            l.set(i, entry);
            return true;
        }
        if (remove) return false;
        l.add(entry);
        return true;
    }

    @Override
    public String describe() {
        return remove ? "remove rlimit " + type : "rlimit " + type + " soft " + soft + " hard " + hard;
    }
}
