package jrun.rules;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * `namespaces: {network: host}`: what a config does with each namespace type. "host": not listed,
 * or listed with a path to the namespace the caller runs in (Docker's --network host joins
 * {@code <exec-root>/netns/default}, a bind of the host's); "private": listed without a path (a
 * new one); "joined": listed with a path to another namespace; "isolated": private or joined.
 */
record Namespaces(Map<String, String> want) implements Condition {
    static final List<String> TYPES = List.of("pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time");
    static final Set<String> STATES = Set.of("host", "private", "joined", "isolated");

    @Override
    public boolean test(Map<String, Object> config) {
        return test(config, new Facts());
    }

    @Override
    public boolean test(Map<String, Object> config, Facts facts) {
        List<?> ns = Conditions.View.list(Conditions.View.map(config, "linux"), "namespaces");
        for (Map.Entry<String, String> w : want.entrySet()) {
            String state = "host";
            for (Object o : ns) {
                if (o instanceof Map<?, ?> n && w.getKey().equals(n.get("type"))) {
                    state = !(n.get("path") instanceof String p) || p.isEmpty() ? "private"
                            : facts.namespaces().isOurs(w.getKey(), p) ? "host" : "joined";
                }
            }
            boolean ok = w.getValue().equals("isolated") ? !state.equals("host") : state.equals(w.getValue());
            if (!ok) return false;
        }
        return true;
    }

    @Override
    public String describe() {
        return "namespaces " + want;
    }
}
