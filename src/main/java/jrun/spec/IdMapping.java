package jrun.spec;

import jrun.JrunException;

/** linux.uidMappings[] / gidMappings[]: one line of /proc/PID/uid_map. */
public record IdMapping(long containerId, long hostId, long size) {
    static IdMapping from(Fields f) {
        for (String k : new String[] {"containerID", "hostID", "size"})
            if (!f.has(k)) throw new JrunException(f.path(k) + ": required");
        return new IdMapping(f.integer("containerID", 0, 0xffffffffL, 0), f.integer("hostID", 0, 0xffffffffL, 0),
                f.integer("size", 1, 0xffffffffL, 0));
    }

    public String line() {
        return containerId + " " + hostId + " " + size + "\n";
    }
}
