package jrun.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jrun.spec.JsonNumber;

/** Reads a rule's `edits` list: RFC 6902 operations (items with `op`) and keyed edits (one key each). */
public final class Edits {
    private Edits() {}

    static final Set<String> KINDS = Set.of("merge", "mount", "env", "hook", "device", "capabilities", "rlimit",
            "annotations", "seccomp", "cdi");

    public static List<ConfigEdit> parse(RuleInput in, Object container, Object key, Object v) {
        List<Object> l = in.list(container, key, v);
        List<ConfigEdit> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            Map<String, Object> m = in.map(l, i, l.get(i));
            if (m.containsKey("op")) {
                out.add(patch(in, m));
                continue;
            }
            if (m.size() != 1 || !KINDS.contains(m.keySet().iterator().next())) {
                String k = m.isEmpty() ? null : m.keySet().iterator().next();
                throw in.src().error(m, k, "an edit is an RFC 6902 operation (with \"op\") or one of "
                        + KINDS.stream().sorted().toList() + (k == null ? "" : ", not \"" + k + "\""));
            }
            String kind = m.keySet().iterator().next();
            keyed(in, m, kind, m.get(kind), out);
        }
        return out;
    }

    private static JsonPatch patch(RuleInput in, Map<String, Object> m) {
        String op = in.requireString(m, "op");
        if (!JsonPatch.OPS.contains(op)) throw in.error(m, "op", "unknown op \"" + op + "\" (expected one of " + JsonPatch.OPS + ")");
        boolean needsValue = op.equals("add") || op.equals("replace") || op.equals("test");
        boolean needsFrom = op.equals("move") || op.equals("copy");
        Set<String> allowed = needsValue ? Set.of("op", "path", "value") : needsFrom ? Set.of("op", "path", "from") : Set.of("op", "path");
        in.keys(m, op + " operation", allowed);
        String path = pointer(in, m, "path");
        if (needsValue && !m.containsKey("value")) throw in.src().error(m, "op", op + " needs a \"value\"");
        String from = needsFrom ? pointer(in, m, "from") : null;
        return new JsonPatch(op, path, from, m.get("value"));
    }

    private static String pointer(RuleInput in, Map<String, Object> m, String k) {
        String p = in.requireString(m, k);
        try {
            JsonPatch.tokens(p);
        } catch (IllegalArgumentException e) {
            throw in.error(m, k, e.getMessage());
        }
        return p;
    }

    private static void keyed(RuleInput in, Map<String, Object> parent, String kind, Object v, List<ConfigEdit> out) {
        if (kind.equals("merge")) {
            out.add(new MergePatch(in.map(parent, kind, v)));
            return;
        }
        Map<String, Object> m = in.map(parent, kind, v);
        switch (kind) {
            case "mount" -> {
                in.keys(m, "mount", Set.of("destination", "addOptions", "removeOptions", "remove", "set"));
                if (!m.containsKey("destination")) throw in.src().error(m, "mount: missing \"destination\"");
                List<String> dests = in.strings(m, "destination", m.get("destination"));
                boolean remove = m.containsKey("remove") && in.bool(m, "remove", m.get("remove"));
                boolean set = m.containsKey("set");
                boolean opts = m.containsKey("addOptions") || m.containsKey("removeOptions");
                if ((remove ? 1 : 0) + (set ? 1 : 0) + (opts ? 1 : 0) != 1)
                    throw in.src().error(m, "mount: give exactly one of remove: true, set, or addOptions/removeOptions");
                if (opts) {
                    Set<String> ds = new java.util.LinkedHashSet<>();
                    for (String d : dests) ds.add(jrun.spec.ConfigTree.normalizeDestination(d));
                    out.add(new MountOptionsEdit(ds, in.optStrings(m, "removeOptions"), in.optStrings(m, "addOptions")));
                } else {
                    Map<String, Object> s = set ? in.map(m, "set", m.get("set")) : null;
                    if (s != null) in.keys(s, "mount set", Set.of("type", "source", "options", "uidMappings", "gidMappings"));
                    for (String d : dests) out.add(new MountEdit(d, s));
                }
            }
            case "env" -> {
                in.keys(m, "env", Set.of("default", "force", "remove"));
                for (String mode : m.keySet()) {
                    if (mode.equals("remove")) {
                        for (String n : in.strings(m, mode, m.get(mode))) out.add(new EnvEdit(EnvEdit.Mode.REMOVE, n, ""));
                        continue;
                    }
                    Map<String, Object> vars = in.map(m, mode, m.get(mode));
                    for (String n : vars.keySet()) {
                        if (n.isEmpty() || n.contains("=")) throw in.error(vars, n, "bad variable name");
                        out.add(new EnvEdit(mode.equals("force") ? EnvEdit.Mode.FORCE : EnvEdit.Mode.DEFAULT, n, scalar(in, vars, n)));
                    }
                }
            }
            case "hook" -> {
                in.keys(m, "hook", Set.of("stage", "position", "path", "args", "env", "timeout"));
                String stage = in.requireString(m, "stage");
                if (!HookEdit.STAGES.contains(stage)) throw in.error(m, "stage", "unknown stage (expected one of " + HookEdit.STAGES.stream().sorted().toList() + ")");
                String pos = m.containsKey("position") ? in.string(m, "position", m.get("position")) : "append";
                if (!pos.equals("append") && !pos.equals("prepend")) throw in.error(m, "position", "expected append or prepend");
                Map<String, Object> hook = new LinkedHashMap<>();
                String path = in.requireString(m, "path");
                if (!path.startsWith("/")) throw in.error(m, "path", "a hook path must be absolute");
                hook.put("path", path);
                if (m.containsKey("args")) hook.put("args", new ArrayList<Object>(in.strings(m, "args", m.get("args"))));
                if (m.containsKey("env")) hook.put("env", new ArrayList<Object>(in.strings(m, "env", m.get("env"))));
                if (m.containsKey("timeout")) hook.put("timeout", JsonNumber.of(in.integer(m, "timeout", m.get("timeout"))));
                out.add(new HookEdit(stage, pos.equals("prepend"), hook));
            }
            case "device" -> out.add(device(in, m));
            case "capabilities" -> {
                in.keys(m, "capabilities", Set.of("add", "drop", "sets"));
                List<String> add = caps(in.optStrings(m, "add")), drop = caps(in.optStrings(m, "drop"));
                List<String> sets = m.containsKey("sets") ? in.strings(m, "sets", m.get("sets")) : CapabilityEdit.DEFAULT_ADD_SETS;
                for (String s : sets) if (!CapabilityEdit.ALL_SETS.contains(s)) throw in.error(m, "sets", "unknown set " + s + " (expected " + CapabilityEdit.ALL_SETS + ")");
                if (add.contains("ALL")) throw in.error(m, "add", "ALL can only be dropped");
                if (add.isEmpty() && drop.isEmpty()) throw in.src().error(m, "capabilities: give add or drop");
                out.add(new CapabilityEdit(add, drop, sets));
            }
            case "rlimit" -> {
                in.keys(m, "rlimit", Set.of("type", "soft", "hard", "remove"));
                String type = RlimitEdit.normalize(in.requireString(m, "type"));
                boolean remove = m.containsKey("remove") && in.bool(m, "remove", m.get("remove"));
                if (remove) {
                    out.add(new RlimitEdit(type, null, null, true));
                } else {
                    if (!m.containsKey("soft") || !m.containsKey("hard")) throw in.src().error(m, "rlimit: give soft and hard, or remove: true");
                    out.add(new RlimitEdit(type, in.integer(m, "soft", m.get("soft")), in.integer(m, "hard", m.get("hard")), false));
                }
            }
            case "annotations" -> {
                in.keys(m, "annotations", Set.of("set", "default", "remove"));
                for (String mode : m.keySet()) {
                    if (mode.equals("remove")) {
                        for (String k : in.strings(m, mode, m.get(mode))) out.add(new AnnotationEdit(k, null, false));
                        continue;
                    }
                    Map<String, Object> kv = in.map(m, mode, m.get(mode));
                    for (String k : kv.keySet()) out.add(new AnnotationEdit(k, scalar(in, kv, k), mode.equals("default")));
                }
            }
            case "seccomp" -> {
                in.keys(m, "seccomp", Set.of("profile", "syscalls", "position"));
                if (m.containsKey("profile") == m.containsKey("syscalls")) throw in.src().error(m, "seccomp: give either profile or syscalls");
                if (m.containsKey("profile")) {
                    Map<String, Object> p = in.map(m, "profile", m.get("profile"));
                    in.requireString(p, "defaultAction");
                    out.add(new SeccompEdit(p, null, false));
                } else {
                    List<Object> calls = in.list(m, "syscalls", m.get("syscalls"));
                    for (int i = 0; i < calls.size(); i++) {
                        Map<String, Object> c = in.map(calls, i, calls.get(i));
                        in.strings(c, "names", c.get("names"));
                        in.requireString(c, "action");
                    }
                    String pos = m.containsKey("position") ? in.string(m, "position", m.get("position")) : "prepend";
                    if (!pos.equals("append") && !pos.equals("prepend")) throw in.error(m, "position", "expected append or prepend");
                    out.add(new SeccompEdit(null, calls, pos.equals("prepend")));
                }
            }
            case "cdi" -> {
                in.keys(m, "cdi", Set.of("devices"));
                List<String> devs = in.strings(m, "devices", m.get("devices"));
                for (String d : devs) {
                    if (!Cdi.isQualified(d)) throw in.error(m, "devices", "\"" + d + "\" is not a CDI name like vendor.com/class=device");
                }
                out.add(new CdiEdit(devs));
            }
            default -> throw new IllegalStateException(kind);
        }
    }

    static DeviceEdit device(RuleInput in, Map<String, Object> m) {
        in.keys(m, "device", Set.of("path", "hostPath", "type", "major", "minor", "fileMode", "uid", "gid", "access", "permissions"));
        String path = in.requireString(m, "path");
        if (!path.startsWith("/dev/")) throw in.error(m, "path", "a device path must be under /dev/");
        String type = in.optString(m, "type");
        if (type != null && !Set.of("c", "b", "u", "p").contains(type)) throw in.error(m, "type", "expected c, b, u or p");
        String access = m.containsKey("access") ? in.string(m, "access", m.get("access"))
                : m.containsKey("permissions") ? in.string(m, "permissions", m.get("permissions")) : "rwm";
        if (!access.matches("[rwm]{1,3}")) throw in.error(m, "access", "expected some of r, w, m");
        return new DeviceEdit(path, in.optString(m, "hostPath"), type, optLong(in, m, "major"), optLong(in, m, "minor"),
                optLong(in, m, "fileMode"), optLong(in, m, "uid"), optLong(in, m, "gid"), access);
    }

    private static Long optLong(RuleInput in, Map<String, Object> m, String k) {
        return m.get(k) == null ? null : in.integer(m, k, m.get(k));
    }

    /** A string, or a number or boolean written as its text (YAML users write `DEBUG: 1`). */
    private static String scalar(RuleInput in, Map<String, Object> m, String k) {
        Object v = m.get(k);
        if (v instanceof JsonNumber n) return n.text();
        if (v instanceof Boolean b) return b.toString();
        return in.string(m, k, v);
    }

    private static List<String> caps(List<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : names) out.add(CapabilityEdit.normalize(n));
        return out;
    }
}
