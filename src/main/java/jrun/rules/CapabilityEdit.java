package jrun.rules;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import jrun.spec.ConfigTree;

/**
 * Adds capabilities to some sets (default bounding, effective, permitted) and drops others from
 * all five sets; "ALL" in drop empties them. Names may leave out "CAP_" and are upper-cased.
 */
public record CapabilityEdit(List<String> add, List<String> drop, List<String> sets) implements KeepsMountsEdit {
    public static final List<String> ALL_SETS = List.of("bounding", "effective", "inheritable", "permitted", "ambient");
    public static final List<String> DEFAULT_ADD_SETS = List.of("bounding", "effective", "permitted");

    public static String normalize(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        return n.equals("ALL") || n.startsWith("CAP_") ? n : "CAP_" + n;
    }

    @Override
    public boolean apply(Map<String, Object> config, Context ctx) {
        boolean changed = false;
        if (!drop.isEmpty()) {
            Map<String, Object> process = ConfigTree.optObject(config, "process", "process");
            Map<String, Object> caps = process == null ? null : ConfigTree.optObject(process, "capabilities", "process.capabilities");
            if (caps != null) {
                for (String set : ALL_SETS) {
                    List<Object> l = ConfigTree.optArray(caps, set, "process.capabilities." + set);
                    if (l == null) continue;
                    int before = l.size();
                    if (drop.contains("ALL")) l.clear();
                    else l.removeIf(drop::contains);
                    changed |= l.size() != before;
                }
            }
        }
        if (!add.isEmpty()) {
            Map<String, Object> process = ConfigTree.objectAt(config, "process", "process");
            Map<String, Object> caps = ConfigTree.objectAt(process, "capabilities", "process.capabilities");
            for (String set : sets) {
                List<Object> l = ConfigTree.arrayAt(caps, set, "process.capabilities." + set);
                for (String c : add) changed |= Trees.addIfAbsent(l, c);
            }
        }
        return changed;
    }

    @Override
    public String describe() {
        return "capabilities" + (add.isEmpty() ? "" : " add " + add + " to " + sets) + (drop.isEmpty() ? "" : " drop " + drop);
    }
}
