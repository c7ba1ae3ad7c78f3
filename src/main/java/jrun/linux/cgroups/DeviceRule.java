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

    /**
     * cgroup v1 keeps a default (allow or deny all) plus exact-match exceptions, so a rule that
     * would have to cut a hole in a wider exception (deny c 1:3 while c *:* r is allowed) is
     * silently not applied by the kernel. runc's device emulator refuses such a list; so does this,
     * naming the entry. effective is {@link #effective}'s list; the first userCount come from path.
     */
    public static void checkV1(List<DeviceRule> effective, int userCount, String path) {
        boolean allowAll = false; // after the initial "deny a"
        List<DeviceRule> exceptions = new ArrayList<>(); // exact (type, major, minor) entries, as the kernel keeps them
        for (int i = 0; i < effective.size(); i++) {
            DeviceRule r = effective.get(i);
            if (r.type == 'a') {
                allowAll = r.allow;
                exceptions.clear();
                continue;
            }
            int at = -1;
            for (int k = 0; k < exceptions.size(); k++) {
                DeviceRule ex = exceptions.get(k);
                if (ex.type == r.type && ex.major == r.major && ex.minor == r.minor) at = k;
            }
            if (r.allow != allowAll) { // adds to the exceptions (merging access with an exact one)
                if (at < 0) exceptions.add(r);
                else exceptions.set(at, exceptions.get(at).withAccess(union(exceptions.get(at).access, r.access)));
                continue;
            }
            for (DeviceRule ex : exceptions) { // takes access away: the kernel only edits exact entries
                boolean covers = ex.type == r.type && (ex.major < 0 || ex.major == r.major) && (ex.minor < 0 || ex.minor == r.minor);
                boolean exact = ex.major == r.major && ex.minor == r.minor;
                if (covers && !exact && overlaps(ex.access, r.access)) {
                    String who = i < userCount ? path + "[" + i + "]" : path + ": runc's default device " + r.v1Line();
                    throw new JrunException(who + ": cannot " + (r.allow ? "allow " : "deny ") + r.v1Line() + " inside "
                            + ex.v1Line() + " on cgroup v1 (the kernel cannot cut a hole in a wider rule; runc refuses it too)");
                }
            }
            if (at >= 0) {
                String left = without(exceptions.get(at).access, r.access);
                if (left.isEmpty()) exceptions.remove(at);
                else exceptions.set(at, exceptions.get(at).withAccess(left));
            }
        }
    }

    /** a's letters that are not in b (a plain loop: a regex compiles per call, ~0.1 ms interpreted, at every create). */
    private static String without(String a, String b) {
        StringBuilder sb = new StringBuilder(a.length());
        for (int k = 0; k < a.length(); k++) if (b.indexOf(a.charAt(k)) < 0) sb.append(a.charAt(k));
        return sb.toString();
    }

    private static boolean onlyRwm(String s) {
        for (int k = 0; k < s.length(); k++) if ("rwm".indexOf(s.charAt(k)) < 0) return false;
        return true;
    }

    private static boolean overlaps(String a, String b) {
        for (int k = 0; k < a.length(); k++) if (b.indexOf(a.charAt(k)) >= 0) return true;
        return false;
    }

    private DeviceRule withAccess(String a) {
        return new DeviceRule(allow, type, major, minor, a);
    }

    private static String union(String a, String b) {
        StringBuilder u = new StringBuilder();
        for (char c : "rwm".toCharArray()) if (a.indexOf(c) >= 0 || b.indexOf(c) >= 0) u.append(c);
        return u.toString();
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
        if (access.isEmpty() || !onlyRwm(access)) throw new JrunException(at + ".access: expected letters of \"rwm\", not \"" + access + "\"");
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
