package jrun.rules;

import java.util.List;

/**
 * One rule: if `when` holds, apply `edits` (all or nothing), or stop the container with `deny`.
 * With both, the edits run first and the deny message is given when one of their "test"
 * operations fails ("deny unless"). source is FILE:LINE:COLUMN of the rule, or "preset".
 */
public record Rule(String name, String source, Condition when, List<ConfigEdit> edits, String deny, boolean record) {
    public Rule {
        edits = List.copyOf(edits);
    }

    public static Rule preset(String name, ConfigEdit edit) {
        return new Rule(name, "preset", Condition.ALWAYS, List.of(edit), null, false);
    }

    boolean hasTest() {
        for (ConfigEdit e : edits) if (e instanceof JsonPatch p && p.op().equals("test")) return true;
        return false;
    }
}
