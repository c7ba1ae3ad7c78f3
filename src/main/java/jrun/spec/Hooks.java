package jrun.spec;

import java.util.ArrayList;
import java.util.List;

/** hooks, including Chrome OS run_oci's prechroot (host namespaces, after mounts, before the chroot). */
public record Hooks(List<Hook> prestart, List<Hook> createRuntime, List<Hook> createContainer,
        List<Hook> startContainer, List<Hook> poststart, List<Hook> poststop, List<Hook> prechroot) {
    public static final Hooks NONE = new Hooks(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of());

    static Hooks from(Fields f) {
        return new Hooks(list(f, "prestart"), list(f, "createRuntime"), list(f, "createContainer"),
                list(f, "startContainer"), list(f, "poststart"), list(f, "poststop"), list(f, "prechroot"));
    }

    private static List<Hook> list(Fields f, String key) {
        List<Object> l = f.list(key);
        List<Hook> out = new ArrayList<>(l.size());
        for (int i = 0; i < l.size(); i++) out.add(Hook.from(f.element(key, l.get(i), i)));
        return List.copyOf(out);
    }
}
