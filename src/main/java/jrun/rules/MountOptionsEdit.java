package jrun.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jrun.spec.ConfigTree;

/**
 * Edits the options of every mount whose (normalised) destination is in a set: removes some
 * options, then appends others that are not already last-wins present. A mount with no options
 * gets them. Appending last matters: runc applies options in order, so ["ro","rw"] is writable.
 */
public record MountOptionsEdit(Set<String> destinations, List<String> remove, List<String> add) implements KeepsMountsEdit {

    /** The built-in preset: /etc/hosts, /etc/hostname and /etc/resolv.conf end up "ro" and never "rw". */
    public static MountOptionsEdit readonlyNetworkingMounts() {
        return new MountOptionsEdit(Set.of("/etc/hosts", "/etc/hostname", "/etc/resolv.conf"),
                List.of("ro", "rw"), List.of("ro"));
    }

    @Override
    public boolean apply(Map<String, Object> config, Context ctx, Facts facts) {
        List<Object> mounts = ConfigTree.optArray(config, "mounts", "mounts");
        if (mounts == null) return false;
        boolean changed = false;
        for (String d : destinations) {
            for (Map<String, Object> m : facts.mountsAt(config, d)) changed |= edit(m, mounts);
        }
        return changed;
    }

    @Override
    public boolean apply(Map<String, Object> config, Context ctx) {
        List<Object> mounts = ConfigTree.optArray(config, "mounts", "mounts");
        if (mounts == null) return false;
        boolean changed = false;
        for (int i = 0; i < mounts.size(); i++) {
            if (!(mounts.get(i) instanceof Map<?, ?>)) throw ConfigTree.typeError("mounts[" + i + "]", "an object", mounts.get(i));
            Map<String, Object> m = ConfigTree.object(mounts.get(i), null);
            Object dest = m.get("destination");
            if (dest == null) continue;
            if (!(dest instanceof String ds)) throw ConfigTree.typeError("mounts[" + i + "].destination", "a string", dest);
            if (destinations.contains(ConfigTree.normalizeDestination(ds))) changed |= edit(m, mounts);
        }
        return changed;
    }

    /** Removes, then appends, options of one mount. Paths for errors are built only on an error (this runs per mount and rule). */
    private boolean edit(Map<String, Object> m, List<Object> mounts) {
        Object opts = m.get("options");
        if (opts != null && !(opts instanceof List<?>)) throw ConfigTree.typeError(at(mounts, m) + ".options", "an array", opts);
        List<?> current = (List<?>) opts;
        List<Object> wanted = new ArrayList<>();
        if (current != null) {
            for (int j = 0; j < current.size(); j++) {
                if (!(current.get(j) instanceof String o)) throw ConfigTree.typeError(at(mounts, m) + ".options[" + j + "]", "a string", current.get(j));
                if (!remove.contains(o)) wanted.add(o);
            }
        }
        for (String o : add) {
            wanted.remove(o);
            wanted.add(o);
        }
        if (wanted.equals(current)) return false;
        m.put("options", wanted);
        return true;
    }

    private static String at(List<Object> mounts, Map<String, Object> m) {
        for (int i = 0; i < mounts.size(); i++) if (mounts.get(i) == m) return "mounts[" + i + "]";
        return "mounts[?]";
    }

    @Override
    public String describe() {
        return "mount options of " + String.join(", ", new java.util.TreeSet<>(destinations)) + ": remove " + remove + ", add " + add;
    }
}
