package jrun.spec;

import java.util.ArrayList;
import java.util.List;

import jrun.JrunException;

/**
 * One entry of mounts[]. Options are kept as written; jrun.linux.MountOptions interprets them.
 * uidMappings/gidMappings (runtime-spec 1.2): an idmapped bind, both or neither, with the option
 * "idmap" or "ridmap"; empty lists otherwise.
 */
public record Mount(String destination, String type, String source, List<String> options, String path,
        List<IdMapping> uidMappings, List<IdMapping> gidMappings) {

    public Mount(String destination, String type, String source, List<String> options, String path) {
        this(destination, type, source, options, path, List.of(), List.of());
    }

    static Mount from(Fields f) {
        String dest = f.str("destination");
        if (dest.isEmpty()) throw new JrunException(f.path("destination") + ": empty");
        List<IdMapping> um = maps(f, "uidMappings"), gm = maps(f, "gidMappings");
        List<String> options = f.strings("options");
        if (um.isEmpty() != gm.isEmpty())
            throw new JrunException(f.path(um.isEmpty() ? "uidMappings" : "gidMappings") + ": an idmapped mount needs both uidMappings and gidMappings");
        boolean idmapOption = options.contains("idmap") || options.contains("ridmap");
        if (!um.isEmpty() && !idmapOption)
            throw new JrunException(f.path("options") + ": an idmapped mount (uidMappings) needs the option \"idmap\" or \"ridmap\"");
        if (um.isEmpty() && idmapOption)
            throw new JrunException(f.path("options") + ": \"idmap\" and \"ridmap\" need uidMappings and gidMappings (jrun idmaps bind mounts only)");
        return new Mount(dest, f.optStr("type", ""), f.optStr("source", ""), options, f.here(), um, gm);
    }

    private static List<IdMapping> maps(Fields f, String key) {
        if (!f.has(key) || f.raw(key) == null) return List.of();
        List<Object> l = f.list(key);
        List<IdMapping> out = new ArrayList<>(l.size());
        for (int i = 0; i < l.size(); i++) out.add(IdMapping.from(f.element(key, l.get(i), i)));
        if (out.isEmpty()) throw new JrunException(f.path(key) + ": empty");
        return List.copyOf(out);
    }

    /** Whether this is an idmapped mount. */
    public boolean idmapped() {
        return !uidMappings.isEmpty();
    }
}
