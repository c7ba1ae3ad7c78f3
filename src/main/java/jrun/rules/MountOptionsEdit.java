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
public record MountOptionsEdit(Set<String> destinations, List<String> remove, List<String> add) implements ConfigEdit {

    /** The built-in preset: /etc/hosts, /etc/hostname and /etc/resolv.conf end up "ro" and never "rw". */
    public static MountOptionsEdit readonlyNetworkingMounts() {
        return new MountOptionsEdit(Set.of("/etc/hosts", "/etc/hostname", "/etc/resolv.conf"),
                List.of("ro", "rw"), List.of("ro"));
    }

    @Override
    public boolean apply(Map<String, Object> config, Context ctx) {
        List<Object> mounts = ConfigTree.optArray(config, "mounts", "mounts");
        if (mounts == null) return false;
        boolean changed = false;
        for (int i = 0; i < mounts.size(); i++) {
            // paths for errors are built only on an error: this loop runs for every mount and rule
            Map<String, Object> m = mounts.get(i) instanceof Map<?, ?> ? ConfigTree.object(mounts.get(i), null)
                    : ConfigTree.object(mounts.get(i), "mounts[" + i + "]");
            Object dest = m.get("destination");
            if (dest == null) continue;
            if (!(dest instanceof String ds)) throw ConfigTree.typeError("mounts[" + i + "].destination", "a string", dest);
            if (!destinations.contains(ConfigTree.normalizeDestination(ds))) continue;
            String at = "mounts[" + i + "]";
            List<Object> current = ConfigTree.optArray(m, "options", at + ".options");
            List<Object> wanted = new ArrayList<>();
            if (current != null) {
                for (int j = 0; j < current.size(); j++) {
                    String o = ConfigTree.string(current.get(j), at + ".options[" + j + "]");
                    if (!remove.contains(o)) wanted.add(o);
                }
            }
            for (String o : add) {
                wanted.remove(o);
                wanted.add(o);
            }
            if (!wanted.equals(current)) {
                m.put("options", wanted);
                changed = true;
            }
        }
        return changed;
    }

    @Override
    public String describe() {
        return "mount options of " + String.join(", ", new java.util.TreeSet<>(destinations)) + ": remove " + remove + ", add " + add;
    }
}
