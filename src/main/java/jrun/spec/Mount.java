package jrun.spec;

import java.util.List;

import jrun.JrunException;

/** One entry of mounts[]. Options are kept as written; jrun.linux.MountOptions interprets them. */
public record Mount(String destination, String type, String source, List<String> options, String path) {
    static Mount from(Fields f) {
        String dest = f.str("destination");
        if (dest.isEmpty()) throw new JrunException(f.path("destination") + ": empty");
        f.refuse("uidMappings", "idmapped mounts");
        f.refuse("gidMappings", "idmapped mounts");
        return new Mount(dest, f.optStr("type", ""), f.optStr("source", ""), f.strings("options"),
                f.here());
    }
}
