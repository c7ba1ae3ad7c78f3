package jrun.rules;

import java.util.List;
import java.util.Map;
import java.util.Set;

import jrun.spec.ConfigTree;

/**
 * Appends or prepends one hook to a stage of config.hooks. Stages: the runtime-spec ones plus
 * Chrome OS run_oci's "prechroot". A hook already present with identical content is not added twice.
 */
public record HookEdit(String stage, boolean prepend, Map<String, Object> hook) implements KeepsMountsEdit {
    public static final Set<String> STAGES = Set.of("prestart", "createRuntime", "createContainer",
            "startContainer", "poststart", "poststop", "prechroot");

    @Override
    public boolean apply(Map<String, Object> config, Context ctx) {
        Map<String, Object> hooks = ConfigTree.objectAt(config, "hooks", "hooks");
        List<Object> list = ConfigTree.arrayAt(hooks, stage, "hooks." + stage);
        if (Trees.contains(list, hook)) return false;
        list.add(prepend ? 0 : list.size(), Trees.copy(hook));
        return true;
    }

    @Override
    public String describe() {
        return (prepend ? "prepend " : "append ") + stage + " hook " + hook.get("path");
    }
}
