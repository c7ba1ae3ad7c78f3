package jrun.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a rule's `when` into a Condition: a mapping whose every key must hold. All regexes are
 * anchored (they must match the whole value): hooks.d's unanchored ones surprise users.
 */
public final class Conditions {
    private Conditions() {}

    static final Set<String> KEYS = Set.of("always", "annotations", "arg0", "args", "env", "image", "hostname",
            "mount", "namespaces", "uid", "privileged", "pointer", "not", "anyOf", "allOf");

    /** Annotations that name a container's image, by client: containerd CRI, CRI-O, and the OCI image-spec ones. */
    public static final List<String> IMAGE_ANNOTATIONS = List.of("io.kubernetes.cri.image-name",
            "io.kubernetes.cri-o.ImageName", "org.opencontainers.image.ref.name", "org.opencontainers.image.base.name");

    public static Condition parse(RuleInput in, Object container, Object key, Object when) {
        if (when == null) return Condition.ALWAYS;
        Map<String, Object> m = in.map(container, key, when);
        in.keys(m, "when", KEYS);
        if (m.isEmpty()) throw in.error(container, key, "an empty `when` (use `always: true`)");
        List<Condition> all = new ArrayList<>();
        for (Map.Entry<String, Object> e : m.entrySet()) all.add(one(in, m, e.getKey(), e.getValue()));
        return all.size() == 1 ? all.get(0) : new AllOf(all);
    }

    private static Condition one(RuleInput in, Map<String, Object> m, String k, Object v) {
        return switch (k) {
            case "always" -> {
                if (!in.bool(m, k, v)) throw in.error(m, k, "only `always: true` makes sense");
                yield Condition.ALWAYS;
            }
            case "annotations" -> new Annotations(pairs(in, m, k, v));
            case "arg0" -> new Arg0(in.regex(m, k, v));
            case "args" -> {
                List<Object> l = in.list(m, k, v);
                List<Pattern> ps = new ArrayList<>();
                for (int i = 0; i < l.size(); i++) ps.add(in.regex(l, i, l.get(i)));
                yield new Args(ps);
            }
            case "env" -> {
                Map<String, Object> em = in.map(m, k, v);
                Map<String, Object> want = new LinkedHashMap<>();
                for (Map.Entry<String, Object> e : em.entrySet()) {
                    Object ev = e.getValue();
                    want.put(e.getKey(), ev instanceof Boolean ? ev : in.regex(em, e.getKey(), ev));
                }
                yield new Env(want);
            }
            case "image" -> new Image(in.regex(m, k, v));
            case "hostname" -> new Hostname(in.regex(m, k, v));
            case "mount" -> {
                Map<String, Object> mm = in.map(m, k, v);
                in.keys(mm, "mount", Set.of("destination", "source", "type", "option"));
                if (mm.isEmpty()) throw in.error(m, k, "give destination, source, type or option");
                Map<String, Pattern> ps = new LinkedHashMap<>();
                for (String f : mm.keySet()) ps.put(f, in.regex(mm, f, mm.get(f)));
                yield new Mount(ps);
            }
            case "namespaces" -> {
                Map<String, Object> nm = in.map(m, k, v);
                Map<String, String> want = new LinkedHashMap<>();
                for (String t : nm.keySet()) {
                    if (!Namespaces.TYPES.contains(t)) throw in.error(nm, t, "unknown namespace type (expected one of " + Namespaces.TYPES + ")");
                    String s = in.string(nm, t, nm.get(t));
                    if (!Namespaces.STATES.contains(s)) throw in.error(nm, t, "expected one of " + Namespaces.STATES);
                    want.put(t, s);
                }
                yield new Namespaces(want);
            }
            case "uid" -> {
                List<long[]> ranges = new ArrayList<>();
                Object x = v;
                List<Object> l = x instanceof List<?> ? in.list(m, k, x) : null;
                if (l == null) ranges.add(range(in, m, k, x));
                else for (int i = 0; i < l.size(); i++) ranges.add(range(in, l, i, l.get(i)));
                yield new Uid(ranges);
            }
            case "privileged" -> new Privileged(in.bool(m, k, v));
            case "pointer" -> PointerCondition.parse(in, m, k, v);
            case "not" -> new Not(parse(in, m, k, v));
            case "anyOf", "allOf" -> {
                List<Object> l = in.list(m, k, v);
                if (l.isEmpty()) throw in.error(m, k, "an empty list");
                List<Condition> cs = new ArrayList<>();
                for (int i = 0; i < l.size(); i++) cs.add(parse(in, l, i, l.get(i)));
                yield k.equals("anyOf") ? new AnyOf(cs) : new AllOf(cs);
            }
            default -> throw new IllegalStateException(k);
        };
    }

    private static Map<Pattern, Pattern> pairs(RuleInput in, Map<String, Object> m, String k, Object v) {
        Map<String, Object> am = in.map(m, k, v);
        if (am.isEmpty()) throw in.error(m, k, "an empty mapping");
        Map<Pattern, Pattern> out = new LinkedHashMap<>();
        for (String key : am.keySet()) {
            out.put(in.regex(am, key, key), in.regex(am, key, am.get(key)));
        }
        return out;
    }

    private static final Pattern RANGE = Pattern.compile("[0-9]{1,10}-([0-9]{1,10})?");

    /** 0, "1000-1999" or "1000-" (no upper bound). */
    private static long[] range(RuleInput in, Object c, Object k, Object v) {
        if (v instanceof String s && RANGE.matcher(s).matches()) {
            String[] p = s.split("-", -1);
            return new long[] {Long.parseLong(p[0]), p[1].isEmpty() ? Long.MAX_VALUE : Long.parseLong(p[1])};
        }
        if (v instanceof String) throw in.error(c, k, "expected a uid or a range like \"1000-1999\"");
        long u = in.integer(c, k, v);
        return new long[] {u, u};
    }

    record AllOf(List<Condition> all) implements Condition {
        public boolean test(Map<String, Object> c) {
            return test(c, new Facts());
        }

        @Override
        public boolean test(Map<String, Object> c, Facts f) {
            for (Condition x : all) if (!x.test(c, f)) return false;
            return true;
        }

        public String describe() {
            List<String> d = new ArrayList<>();
            for (Condition x : all) d.add(x.describe());
            return String.join(" and ", d);
        }

        @Override
        public String whyNot(Map<String, Object> c, Facts f) {
            for (Condition x : all) if (!x.test(c, f)) return x.whyNot(c, f);
            return "not " + describe();
        }
    }

    record AnyOf(List<Condition> any) implements Condition {
        public boolean test(Map<String, Object> c) {
            return test(c, new Facts());
        }

        @Override
        public boolean test(Map<String, Object> c, Facts f) {
            for (Condition x : any) if (x.test(c, f)) return true;
            return false;
        }

        public String describe() {
            List<String> d = new ArrayList<>();
            for (Condition x : any) d.add(x.describe());
            return "(" + String.join(" or ", d) + ")";
        }

        @Override
        public String whyNot(Map<String, Object> c, Facts f) {
            List<String> d = new ArrayList<>();
            for (Condition x : any) d.add(x.whyNot(c, f));
            return "none of: " + String.join("; ", d);
        }
    }

    record Not(Condition inner) implements Condition {
        public boolean test(Map<String, Object> c) {
            return !inner.test(c);
        }

        @Override
        public boolean test(Map<String, Object> c, Facts f) {
            return !inner.test(c, f);
        }

        public String describe() {
            return "not (" + inner.describe() + ")";
        }

        @Override
        public String whyNot(Map<String, Object> c, Facts f) {
            return inner.describe() + " holds";
        }
    }

    record Annotations(Map<Pattern, Pattern> pairs) implements Condition {
        public boolean test(Map<String, Object> c) {
            Map<?, ?> a = View.map(c, "annotations");
            for (Map.Entry<Pattern, Pattern> p : pairs.entrySet()) {
                boolean found = false;
                for (Map.Entry<?, ?> e : a.entrySet()) {
                    if (e.getKey() instanceof String k && e.getValue() instanceof String v
                            && full(p.getKey(), k) && full(p.getValue(), v)) {
                        found = true;
                        break;
                    }
                }
                if (!found) return false;
            }
            return true;
        }

        public String describe() {
            List<String> d = new ArrayList<>();
            for (Map.Entry<Pattern, Pattern> p : pairs.entrySet()) d.add(p.getKey() + "=~" + p.getValue());
            return "annotation " + String.join(", ", d);
        }
    }

    record Arg0(Pattern re) implements Condition {
        public boolean test(Map<String, Object> c) {
            List<?> args = View.list(View.map(c, "process"), "args");
            return !args.isEmpty() && args.get(0) instanceof String s && full(re, s);
        }

        public String describe() {
            return "process.args[0] =~ " + re;
        }
    }

    record Args(List<Pattern> res) implements Condition {
        public boolean test(Map<String, Object> c) {
            List<?> args = View.list(View.map(c, "process"), "args");
            if (args.size() != res.size()) return false;
            for (int i = 0; i < args.size(); i++) {
                if (!(args.get(i) instanceof String s) || !full(res.get(i), s)) return false;
            }
            return true;
        }

        public String describe() {
            return "process.args =~ " + res;
        }
    }

    record Env(Map<String, Object> want) implements Condition {
        public boolean test(Map<String, Object> c) {
            List<?> env = View.list(View.map(c, "process"), "env");
            for (Map.Entry<String, Object> w : want.entrySet()) {
                String value = null;
                for (Object o : env) {
                    if (o instanceof String s && s.startsWith(w.getKey()) && (s.length() == w.getKey().length() || s.charAt(w.getKey().length()) == '=')) {
                        value = s.length() > w.getKey().length() ? s.substring(w.getKey().length() + 1) : "";
                    }
                }
                if (w.getValue() instanceof Boolean present) {
                    if (present != (value != null)) return false;
                } else if (value == null || !full(((Pattern) w.getValue()), value)) {
                    return false;
                }
            }
            return true;
        }

        public String describe() {
            return "env " + want;
        }
    }

    record Image(Pattern re) implements Condition {
        public boolean test(Map<String, Object> c) {
            Map<?, ?> a = View.map(c, "annotations");
            for (String k : IMAGE_ANNOTATIONS) if (a.get(k) instanceof String s && full(re, s)) return true;
            return false;
        }

        public String describe() {
            return "image =~ " + re;
        }
    }

    record Hostname(Pattern re) implements Condition {
        public boolean test(Map<String, Object> c) {
            return full(re, c.get("hostname") instanceof String s ? s : "");
        }

        public String describe() {
            return "hostname =~ " + re;
        }
    }

    record Mount(Map<String, Pattern> fields) implements Condition {
        /** A literal destination is looked up in the apply's mount index instead of scanning every mount. */
        @Override
        public boolean test(Map<String, Object> c, Facts f) {
            Pattern d = fields.get("destination");
            if (d == null || (d.flags() & Pattern.LITERAL) == 0) return test(c);
            for (Map<String, Object> m : f.mountsAt(c, d.pattern())) if (matches(m)) return true;
            return false;
        }

        public boolean test(Map<String, Object> c) {
            for (Object o : View.list(c, "mounts")) {
                if (o instanceof Map<?, ?> m && matches(m)) return true;
            }
            return false;
        }

        private boolean matches(Map<?, ?> m) {
            for (Map.Entry<String, Pattern> f : fields.entrySet()) {
                if (f.getKey().equals("option")) {
                    boolean any = false;
                    for (Object o : View.list(m, "options")) any |= o instanceof String s && full(f.getValue(), s);
                    if (!any) return false;
                    continue;
                }
                Object v = m.get(f.getKey());
                if (v instanceof String s && f.getKey().equals("destination")) v = jrun.spec.ConfigTree.normalizeDestination(s);
                if (!(v instanceof String s) || !full(f.getValue(), s)) return false;
            }
            return true;
        }

        public String describe() {
            return "a mount with " + fields;
        }
    }

    record Uid(List<long[]> ranges) implements Condition {
        public boolean test(Map<String, Object> c) {
            Object u = View.map(View.map(c, "process"), "user").get("uid");
            long uid = u instanceof jrun.spec.JsonNumber n ? Trees.smallInteger(n.text()) : 0;
            if (uid == Trees.NOT_SMALL) return false;
            for (long[] r : ranges) if (uid >= r[0] && uid <= r[1]) return true;
            return false;
        }

        public String describe() {
            List<String> d = new ArrayList<>();
            for (long[] r : ranges) d.add(r[0] == r[1] ? Long.toString(r[0]) : r[0] + "-" + (r[1] == Long.MAX_VALUE ? "" : r[1]));
            return "uid in " + d;
        }
    }

    /**
     * "Privileged-looking": the bounding set holds every capability Linux 5.x+ has up to
     * CAP_AUDIT_READ (Docker --privileged grants them all) and there is no seccomp profile.
     */
    record Privileged(boolean want) implements Condition {
        static final List<String> CLASSIC_CAPS = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH",
                "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
                "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
                "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
                "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
                "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
                "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ");

        public boolean test(Map<String, Object> c) {
            List<?> bounding = View.list(View.map(View.map(c, "process"), "capabilities"), "bounding");
            boolean looks = bounding.containsAll(CLASSIC_CAPS) && View.map(c, "linux").get("seccomp") == null;
            return looks == want;
        }

        public String describe() {
            return want ? "privileged-looking (all capabilities, no seccomp)" : "not privileged-looking";
        }
    }

    /** A whole-value match; a literal (most destinations, names) is a string comparison, without a Matcher. */
    static boolean full(Pattern p, String s) {
        return (p.flags() & Pattern.LITERAL) != 0 ? p.pattern().equals(s) : p.matcher(s).matches();
    }

    /** Lenient reads for conditions: a missing or mistyped field is simply empty. */
    static final class View {
        private View() {}

        static Map<?, ?> map(Map<?, ?> m, String key) {
            return m.get(key) instanceof Map<?, ?> x ? x : Map.of();
        }

        static List<?> list(Map<?, ?> m, String key) {
            return m.get(key) instanceof List<?> x ? x : List.of();
        }
    }
}
