package jrun.spec;

import jrun.JrunException;

/**
 * linux.devices[]: a node to create in the container. With Chrome OS run_oci's dynamicMajor /
 * dynamicMinor, the number is taken from the host's node at the same path when the container is
 * created (jrun.linux.Devices), so major/minor may be absent then.
 */
public record Device(String path, char type, long major, long minor, int fileMode, long uid, long gid,
        boolean dynamicMajor, boolean dynamicMinor, String where) {
    static Device from(Fields f) {
        String path = f.str("path");
        if (!path.startsWith("/")) throw new JrunException(f.path("path") + ": must be absolute, got \"" + path + "\"");
        String t = f.str("type");
        if (!t.equals("c") && !t.equals("b") && !t.equals("u") && !t.equals("p"))
            throw new JrunException(f.path("type") + ": unknown device type \"" + t + "\" (expected c, b, u or p)");
        boolean dynMajor = f.bool("dynamicMajor", false), dynMinor = f.bool("dynamicMinor", false);
        boolean needsNumbers = !t.equals("p");
        if (needsNumbers && !dynMajor && !f.has("major")) throw new JrunException(f.path("major") + ": required");
        if (needsNumbers && !dynMinor && !f.has("minor")) throw new JrunException(f.path("minor") + ": required");
        return new Device(path, t.charAt(0), f.integer("major", 0, 0xfffff, 0), f.integer("minor", 0, 0xfffff, 0),
                (int) f.integer("fileMode", 0, 07777, 0666), f.integer("uid", 0, 0xffffffffL, 0),
                f.integer("gid", 0, 0xffffffffL, 0), dynMajor, dynMinor, f.here());
    }
}
