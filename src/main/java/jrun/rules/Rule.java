package jrun.rules;

import java.util.List;
import java.util.function.Supplier;

/**
 * One rule: if `when` holds, apply `edits` (all or nothing), or stop the container with `deny`.
 * With both, the edits run first and the deny message is given when one of their "test"
 * operations fails ("deny unless"). where gives FILE:LINE:COLUMN of the rule, or "preset"; it is
 * worked out only when asked for (finding a line in a big file is not free, and rarely needed).
 */
public record Rule(String name, Supplier<String> where, Condition when, List<ConfigEdit> edits, String deny, boolean record) {
    private static final Supplier<String> PRESET = () -> "preset";

    public Rule {
        edits = List.copyOf(edits);
    }

    public static Rule preset(String name, ConfigEdit edit) {
        return new Rule(name, PRESET, Condition.ALWAYS, List.of(edit), null, false);
    }

    /** FILE:LINE:COLUMN, or "preset". */
    public String source() {
        return where.get();
    }

    public boolean isPreset() {
        return where == PRESET;
    }

    boolean hasTest() {
        for (ConfigEdit e : edits) if (e instanceof JsonPatch p && p.op().equals("test")) return true;
        return false;
    }
}
