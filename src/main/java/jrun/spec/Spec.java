package jrun.spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jrun.JrunException;

/** The runtime-spec config.json of a bundle, as jrun applies it. */
public record Spec(String ociVersion, ProcessSpec process, Root root, String hostname, String domainname,
        List<Mount> mounts, Hooks hooks, LinuxSpec linux, Map<String, String> annotations) {

    public static Spec read(Path bundle) {
        return fromTree(readTree(bundle), bundle);
    }

    /** The bundle's config.json as a lossless tree (parsed once; hooks are kept raw in the state). */
    public static Map<String, Object> readTree(Path bundle) {
        Path file = bundle.resolve("config.json");
        Map<String, Object> tree = ConfigFile.readObject(file);
        try {
            ConfigTree.requireNoNul(tree); // before a dialect, rules or the cgroups read any of it (Spec.from checks again after rules)
        } catch (JrunException e) {
            throw new JrunException(file + ": " + e.getMessage(), e);
        }
        return tree;
    }

    /** The model of a tree read from bundle/config.json; errors name the file and the JSON path. */
    public static Spec fromTree(Map<String, Object> tree, Path bundle) {
        try {
            return from(tree);
        } catch (JrunException e) {
            throw new JrunException(bundle.resolve("config.json") + ": " + e.getMessage(), e);
        }
    }

    public static Spec from(Object tree) {
        ConfigTree.requireNoNul(tree);
        Fields f = new Fields(tree, "");
        String version = f.str("ociVersion");
        if (!version.startsWith("1.")) throw new JrunException("ociVersion: unsupported version \"" + version + "\"");
        Fields p = f.object("process");
        ProcessSpec process = p == null ? null : ProcessSpec.from(p);
        Fields r = f.object("root");
        if (r == null) throw new JrunException("root: required");
        List<Mount> mounts = new ArrayList<>();
        List<Object> ml = f.list("mounts");
        for (int i = 0; i < ml.size(); i++) mounts.add(Mount.from(f.element("mounts", ml.get(i), i)));
        Fields h = f.object("hooks");
        Fields l = f.object("linux");
        if (l == null) throw new JrunException("linux: required on Linux");
        Map<String, String> ann = new LinkedHashMap<>();
        Fields a = f.object("annotations");
        if (a != null) for (String k : a.map().keySet()) ann.put(k, a.str(k));
        f.refuse("solaris", "not Linux");
        f.refuse("windows", "not Linux");
        f.refuse("vm", "not a VM runtime");
        return new Spec(version, process, Root.from(r), f.optStr("hostname", ""), f.optStr("domainname", ""),
                List.copyOf(mounts), h == null ? Hooks.NONE : Hooks.from(h), LinuxSpec.from(l), ann);
    }

    public boolean hasNamespace(Namespace.Type type) {
        return namespace(type) != null;
    }

    public Namespace namespace(Namespace.Type type) {
        for (Namespace n : linux.namespaces()) if (n.type() == type) return n;
        return null;
    }
}
