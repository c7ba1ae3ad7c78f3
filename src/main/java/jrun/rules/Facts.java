package jrun.rules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jrun.spec.ConfigTree;

/**
 * What one apply() has worked out about the config so far, shared by its rules: the mounts by
 * normalised destination, so 100 rules on 500 mounts look up instead of scanning 100 times.
 * The index is rebuilt when the mounts list is replaced or changes size, and dropped by RuleSet
 * after any edit that may move or rename mounts ({@link ConfigEdit#keepsMounts()} false).
 */
public final class Facts {
    private final HostNamespaces namespaces;
    private List<?> indexed;
    private int size;
    private Map<String, List<Map<String, Object>>> byDestination;

    public Facts(Context ctx) {
        this.namespaces = ctx.namespaces();
    }

    /** For a condition tested on its own: the real host. */
    public Facts() {
        this.namespaces = HostNamespaces.HOST;
    }

    HostNamespaces namespaces() {
        return namespaces;
    }

    /** The mounts (in config order) whose normalised destination is dest; mistyped entries are left out. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> mountsAt(Map<String, Object> config, String dest) {
        Object v = config.get("mounts");
        List<?> mounts = v instanceof List<?> l ? l : List.of();
        if (mounts != indexed || mounts.size() != size || byDestination == null) {
            byDestination = new HashMap<>();
            for (Object o : mounts) {
                if (o instanceof Map<?, ?> m && m.get("destination") instanceof String d) {
                    byDestination.computeIfAbsent(ConfigTree.normalizeDestination(d), k -> new ArrayList<>(1)).add((Map<String, Object>) m);
                }
            }
            indexed = mounts;
            size = mounts.size();
        }
        return byDestination.getOrDefault(dest, List.of());
    }

    void mountsChanged() {
        byDestination = null;
    }
}
