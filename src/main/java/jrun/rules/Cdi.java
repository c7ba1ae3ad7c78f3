package jrun.rules;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import jrun.JrunException;
import jrun.spec.Json;
import jrun.spec.JsonSyntaxException;

/**
 * Container Device Interface specs: reads every *.json, *.yaml and *.yml in the spec directories
 * (later directories override earlier ones, as CDI gives /var/run/cdi priority over /etc/cdi) and
 * turns a device's containerEdits, with its spec's own containerEdits, into ConfigEdits.
 * Only read when a config asks for a CDI device.
 */
public final class Cdi {
    /** Annotation prefix through which clients request CDI devices (value: comma-separated qualified names). */
    public static final String ANNOTATION_PREFIX = "cdi.k8s.io/";

    private record Device(String kind, String name, Map<String, Object> spec, Map<String, Object> edits, RuleInput in) {}

    private final Map<String, Device> devices = new LinkedHashMap<>();

    private static final java.util.regex.Pattern KIND = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]*\\.[A-Za-z]+/[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final java.util.regex.Pattern QUALIFIED = java.util.regex.Pattern.compile(KIND.pattern() + "=[A-Za-z0-9][A-Za-z0-9_.:-]*");

    public static boolean isQualified(String name) {
        return QUALIFIED.matcher(name).matches();
    }

    public static Cdi load(List<Path> dirs) {
        Cdi cdi = new Cdi();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) continue;
            List<Path> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.filter(p -> p.toString().matches(".*\\.(json|ya?ml)$")).sorted().toList();
            } catch (IOException e) {
                throw new JrunException("CDI spec directory " + dir + ": " + e.getMessage());
            }
            for (Path f : files) cdi.read(f);
        }
        return cdi;
    }

    private void read(Path file) {
        String text;
        try {
            byte[] b;
            try (java.io.InputStream in = Files.newInputStream(file)) {
                b = jrun.spec.ConfigFile.bounded(in, "CDI spec " + file);
            }
            text = Json.decodeUtf8(b);
        } catch (IOException | JsonSyntaxException e) {
            throw new JrunException("CDI spec " + file + ": " + e.getMessage());
        }
        SourceMap src = new SourceMap(file.toString(), text);
        Object root;
        try {
            root = file.toString().endsWith(".json") ? Json.parse(text, src) : YamlReader.parse(text, src);
        } catch (JsonSyntaxException e) {
            throw new JrunException(e.describe(file.toString()));
        }
        RuleInput in = new RuleInput(src);
        Map<String, Object> spec = in.map(null, null, root);
        String kind = in.requireString(spec, "kind");
        if (!KIND.matcher(kind).matches()) throw in.error(spec, "kind", "expected vendor.com/class");
        in.requireString(spec, "cdiVersion");
        List<Object> devs = in.list(spec, "devices", spec.get("devices"));
        for (int i = 0; i < devs.size(); i++) {
            Map<String, Object> d = in.map(devs, i, devs.get(i));
            String name = in.requireString(d, "name");
            Map<String, Object> edits = in.map(d, "containerEdits", d.get("containerEdits"));
            devices.put(kind + "=" + name, new Device(kind, name, spec, edits, in));
        }
    }

    /** The edits for a device, named vendor.com/class=name; spec-wide edits are included once per spec. */
    public List<ConfigEdit> edits(List<String> names, String requestedBy) {
        List<ConfigEdit> out = new ArrayList<>();
        Set<Object> specsDone = new java.util.HashSet<>();
        for (String n : names) {
            Device d = devices.get(n);
            if (d == null) throw new JrunException(requestedBy + ": unknown CDI device " + n + " (no spec in the CDI directories defines it)");
            if (specsDone.add(d.spec()) && d.spec().get("containerEdits") != null) {
                containerEdits(d.in(), d.in().map(d.spec(), "containerEdits", d.spec().get("containerEdits")), out);
            }
            containerEdits(d.in(), d.edits(), out);
        }
        return out;
    }

    private static void containerEdits(RuleInput in, Map<String, Object> e, List<ConfigEdit> out) {
        in.keys(e, "containerEdits", Set.of("env", "deviceNodes", "mounts", "hooks", "additionalGids", "intelRdt", "netDevices"));
        for (String kv : in.optStrings(e, "env")) {
            out.add(EnvEdit.parse(EnvEdit.Mode.FORCE, kv, in.where(e, "env")));
        }
        for (Object o : e.get("deviceNodes") == null ? List.of() : in.list(e, "deviceNodes", e.get("deviceNodes"))) {
            out.add(Edits.device(in, in.map(e, "deviceNodes", o)));
        }
        for (Object o : e.get("mounts") == null ? List.of() : in.list(e, "mounts", e.get("mounts"))) {
            Map<String, Object> m = in.map(e, "mounts", o);
            Map<String, Object> set = new LinkedHashMap<>();
            set.put("source", in.requireString(m, "hostPath"));
            set.put("type", m.get("type") == null ? "bind" : in.string(m, "type", m.get("type")));
            if (m.get("options") != null) set.put("options", new ArrayList<Object>(in.strings(m, "options", m.get("options"))));
            out.add(new MountEdit(in.requireString(m, "containerPath"), set));
        }
        for (Object o : e.get("hooks") == null ? List.of() : in.list(e, "hooks", e.get("hooks"))) {
            Map<String, Object> h = in.map(e, "hooks", o);
            Map<String, Object> hook = new LinkedHashMap<>();
            hook.put("path", in.requireString(h, "path"));
            if (h.get("args") != null) hook.put("args", new ArrayList<Object>(in.strings(h, "args", h.get("args"))));
            if (h.get("env") != null) hook.put("env", new ArrayList<Object>(in.strings(h, "env", h.get("env"))));
            if (h.get("timeout") != null) hook.put("timeout", jrun.spec.JsonNumber.of(in.integer(h, "timeout", h.get("timeout"))));
            String stage = in.requireString(h, "hookName");
            if (!HookEdit.STAGES.contains(stage)) throw in.error(h, "hookName", "unknown hook stage");
            out.add(new HookEdit(stage, false, hook));
        }
        if (e.get("additionalGids") != null) {
            List<Object> gids = in.list(e, "additionalGids", e.get("additionalGids"));
            List<Long> gs = new ArrayList<>();
            for (int i = 0; i < gids.size(); i++) gs.add(in.integer(gids, i, gids.get(i)));
            out.add(new GidsEdit(gs));
        }
    }

    /** Adds gids to process.user.additionalGids, once each. */
    record GidsEdit(List<Long> gids) implements KeepsMountsEdit {
        @Override
        public boolean apply(Map<String, Object> config, Context ctx) {
            Map<String, Object> user = jrun.spec.ConfigTree.objectAt(jrun.spec.ConfigTree.objectAt(config, "process", "process"), "user", "process.user");
            List<Object> l = jrun.spec.ConfigTree.arrayAt(user, "additionalGids", "process.user.additionalGids");
            boolean changed = false;
            for (long g : gids) changed |= Trees.addIfAbsent(l, jrun.spec.JsonNumber.of(g));
            return changed;
        }

        @Override
        public String describe() {
            return "additional gids " + gids;
        }
    }
}
