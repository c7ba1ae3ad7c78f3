package jrun.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Applies CDI devices' containerEdits: the devices named (devices != null), or those the config
 * requests through cdi.k8s.io/* annotations (devices == null, the built-in step). Edits are
 * idempotent, so a config already edited by a CDI-aware caller does not get duplicates.
 */
public record CdiEdit(List<String> devices) implements ConfigEdit {

    public static CdiEdit fromAnnotations() {
        return new CdiEdit(null);
    }

    /** Devices requested by annotations, in annotation order; empty when none. */
    public static List<String> requested(Map<String, Object> config) {
        List<String> out = new ArrayList<>();
        if (!(config.get("annotations") instanceof Map<?, ?> a)) return out;
        for (Map.Entry<?, ?> e : a.entrySet()) {
            if (e.getKey() instanceof String k && k.startsWith(Cdi.ANNOTATION_PREFIX) && e.getValue() instanceof String v) {
                for (String d : v.split(",")) {
                    String n = d.strip();
                    if (n.isEmpty()) continue;
                    if (!Cdi.isQualified(n)) throw new jrun.JrunException("annotations." + k + ": \"" + n + "\" is not a CDI device name like vendor.com/class=device");
                    if (!out.contains(n)) out.add(n);
                }
            }
        }
        return out;
    }

    @Override
    public boolean apply(Map<String, Object> config, Context ctx) {
        List<String> names = devices != null ? devices : requested(config);
        if (names.isEmpty()) return false;
        String by = devices != null ? "cdi edit" : "annotations " + Cdi.ANNOTATION_PREFIX + "*";
        boolean changed = false;
        for (ConfigEdit e : Cdi.load(ctx.cdiDirs()).edits(names, by)) changed |= e.apply(config, ctx);
        return changed;
    }

    @Override
    public String describe() {
        return "CDI devices " + (devices != null ? devices : "requested by " + Cdi.ANNOTATION_PREFIX + "* annotations");
    }
}
