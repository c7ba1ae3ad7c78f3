package jrun.rules;

import java.util.List;
import java.util.Map;

import jrun.spec.ConfigTree;

/**
 * Removes, or adds-or-replaces, the mounts with a destination (compared normalised: "/etc//hosts/"
 * is "/etc/hosts"). set replaces the first such mount in place, drops any later duplicates, or
 * appends when there is none. Option edits are {@link MountOptionsEdit}.
 */
public record MountEdit(String destination, Map<String, Object> set) implements ConfigEdit {

    @Override
    public boolean apply(Map<String, Object> config, Context ctx) {
        String want = ConfigTree.normalizeDestination(destination);
        List<Object> mounts = set == null ? ConfigTree.optArray(config, "mounts", "mounts") : ConfigTree.arrayAt(config, "mounts", "mounts");
        if (mounts == null) return false;
        boolean changed = false, placed = false;
        for (int i = 0; i < mounts.size(); i++) {
            if (!(mounts.get(i) instanceof Map<?, ?>)) throw ConfigTree.typeError("mounts[" + i + "]", "an object", mounts.get(i));
            Map<String, Object> m = ConfigTree.object(mounts.get(i), null);
            Object d = m.get("destination");
            if (!(d instanceof String s) || !ConfigTree.normalizeDestination(s).equals(want)) continue;
            if (set != null && !placed) {
                placed = true;
                Object replacement = full();
                if (!Trees.equal(m, replacement)) {
                    mounts.set(i, replacement);
                    changed = true;
                }
            } else {
                mounts.remove(i--);
                changed = true;
            }
        }
        if (set != null && !placed) {
            mounts.add(full());
            changed = true;
        }
        return changed;
    }

    private Object full() {
        @SuppressWarnings("unchecked") Map<String, Object> m = (Map<String, Object>) Trees.copy(set);
        m.put("destination", destination);
        return m;
    }

    @Override
    public String describe() {
        return set == null ? "remove mount " + destination : "set mount " + destination + " " + jrun.spec.Json.write(set);
    }
}
