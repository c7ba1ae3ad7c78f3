package jrun.linux.cgroups;

import java.util.Map;

import jrun.JrunException;
import jrun.spec.ConfigTree;
import jrun.spec.JsonNumber;

/** One linux.resources.devices entry: allow or deny, type a/c/b, major/minor (-1 = any), access of r, w, m. */
public record DeviceRule(boolean allow, char type, long major, long minor, String access) {

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
