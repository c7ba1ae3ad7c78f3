package jrun.rules;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jrun.spec.ConfigTree;
import jrun.spec.JsonNumber;

/**
 * Adds a device node to linux.devices, and a matching allow rule to linux.resources.devices.
 * Type, major, minor and fileMode left out are read from the host node (hostPath, default path)
 * when the edit applies. A device already listed at the same path is replaced.
 */
public record DeviceEdit(String path, String hostPath, String type, Long major, Long minor, Long fileMode,
        Long uid, Long gid, String access) implements KeepsMountsEdit {

    @Override
    public boolean apply(Map<String, Object> config, Context ctx) {
        String t = type;
        long ma = major == null ? -1 : major, mi = minor == null ? -1 : minor;
        Long mode = fileMode;
        if (t == null || major == null || minor == null || mode == null) {
            HostDevices.Node n = ctx.devices().stat(hostPath == null ? path : hostPath);
            if (t == null) t = n.type();
            if (major == null) ma = n.major();
            if (minor == null) mi = n.minor();
            if (mode == null) mode = (long) n.mode();
        }
        Map<String, Object> dev = new LinkedHashMap<>();
        dev.put("path", path);
        dev.put("type", t);
        dev.put("major", JsonNumber.of(ma));
        dev.put("minor", JsonNumber.of(mi));
        dev.put("fileMode", JsonNumber.of(mode));
        if (uid != null) dev.put("uid", JsonNumber.of(uid));
        if (gid != null) dev.put("gid", JsonNumber.of(gid));
        Map<String, Object> linux = ConfigTree.objectAt(config, "linux", "linux");
        List<Object> devices = ConfigTree.arrayAt(linux, "devices", "linux.devices");
        boolean changed = true;
        int at = -1;
        for (int i = 0; i < devices.size(); i++) {
            Map<String, Object> d = ConfigTree.object(devices.get(i), "linux.devices[" + i + "]");
            if (path.equals(d.get("path"))) at = i;
        }
        if (at >= 0) {
            changed = !Trees.equal(devices.get(at), dev);
            devices.set(at, dev);
        } else {
            devices.add(dev);
        }
        if (t.equals("c") || t.equals("b") || t.equals("u")) {
            Map<String, Object> rule = new LinkedHashMap<>();
            rule.put("allow", Boolean.TRUE);
            rule.put("type", t.equals("u") ? "c" : t);
            rule.put("major", JsonNumber.of(ma));
            rule.put("minor", JsonNumber.of(mi));
            rule.put("access", access);
            Map<String, Object> res = ConfigTree.objectAt(linux, "resources", "linux.resources");
            List<Object> rules = ConfigTree.arrayAt(res, "devices", "linux.resources.devices");
            changed |= Trees.addIfAbsent(rules, rule);
        }
        return changed;
    }

    @Override
    public String describe() {
        return "device " + path + (hostPath != null ? " from " + hostPath : "");
    }
}
