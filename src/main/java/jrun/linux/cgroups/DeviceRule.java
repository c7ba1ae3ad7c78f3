package jrun.linux.cgroups;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jrun.JrunException;
import jrun.spec.ConfigTree;
import jrun.spec.JsonNumber;

/** One linux.resources.devices entry: allow or deny, type a/c/b, major/minor (-1 = any), access of r, w, m. */
public record DeviceRule(boolean allow, char type, long major, long minor, String access) {

    /**
     * The rules runc appends to every container's list (libcontainer/specconv AllowedDevices):
     * mknod of any device, /dev/null, random, full, tty, zero, urandom, the pts, ptmx and tun.
     * Appended last, they cannot be denied by the config; jrun keeps that for compatibility.
     */
    public static final List<DeviceRule> RUNC_DEFAULTS = List.of(
            new DeviceRule(true, 'c', -1, -1, "m"), new DeviceRule(true, 'b', -1, -1, "m"),
            new DeviceRule(true, 'c', 1, 3, "rwm"), new DeviceRule(true, 'c', 1, 8, "rwm"),
            new DeviceRule(true, 'c', 1, 7, "rwm"), new DeviceRule(true, 'c', 5, 0, "rwm"),
            new DeviceRule(true, 'c', 1, 5, "rwm"), new DeviceRule(true, 'c', 1, 9, "rwm"),
            new DeviceRule(true, 'c', 136, -1, "rwm"), new DeviceRule(true, 'c', 5, 2, "rwm"),
            new DeviceRule(true, 'c', 10, 200, "rwm"));

    /** linux.resources.devices (null = none) followed by {@link #RUNC_DEFAULTS}: the list the cgroup gets. */
    public static List<DeviceRule> effective(List<Object> devices, String path) {
        List<DeviceRule> out = new ArrayList<>();
        if (devices != null) for (int i = 0; i < devices.size(); i++) out.add(parse(devices.get(i), path + "[" + i + "]"));
        out.addAll(RUNC_DEFAULTS);
        return out;
    }

    static DeviceRule parse(Object o, String at) {
        Map<String, Object> m = ConfigTree.object(o, at);
        Object allow = m.get("allow");
        if (!(allow instanceof Boolean a)) throw ConfigTree.typeError(at + ".allow", "a boolean", allow);
        String type = m.get("type") == null ? "a" : ConfigTree.string(m.get("type"), at + ".type");
        if (!type.equals("a") && !type.equals("c") && !type.equals("b")) {
            throw new JrunException(at + ".type: expected \"a\", \"c\" or \"b\", not \"" + type + "\"");
        }
        String access = m.get("access") == null ? "rwm" : ConfigTree.string(m.get("access"), at + ".access");
        if (access.isEmpty() || !access.matches("[rwm]+")) throw new JrunException(at + ".access: expected letters of \"rwm\", not \"" + access + "\"");
        return new DeviceRule(a, type.charAt(0), id(m.get("major"), at + ".major"), id(m.get("minor"), at + ".minor"), access);
    }

    private static long id(Object v, String at) {
        if (v == null) return -1;
        if (!(v instanceof JsonNumber n) || !n.isInteger()) throw ConfigTree.typeError(at, "an integer", v);
        return n.bigInteger().longValue();
    }

    /** The devices.allow / devices.deny line: "c 1:3 rwm", "*" for any number; type a is always "a *:* rwm". */
    public String v1Line() {
        if (type == 'a') return "a *:* " + access;
        return type + " " + (major < 0 ? "*" : Long.toString(major)) + ":" + (minor < 0 ? "*" : Long.toString(minor)) + " " + access;
    }
}
