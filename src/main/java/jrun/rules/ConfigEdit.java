package jrun.rules;

import java.util.Map;

/**
 * One change to a config.json tree: a rule's edit, or a built-in preset (the --oi-* flags are
 * edits of the same engine). Returns whether the tree changed; throws JrunException naming the
 * field on bad input.
 */
@FunctionalInterface
public interface ConfigEdit {
    boolean apply(Map<String, Object> config, Context ctx);

    /** The same, with the apply's Facts; mount edits use its index. */
    default boolean apply(Map<String, Object> config, Context ctx, Facts facts) {
        return apply(config, ctx);
    }

    /** True when the edit never adds, removes, replaces or renames a mount (option edits are fine). */
    default boolean keepsMounts() {
        return false;
    }

    /** What the edit does, for `rules apply` and the debug log. */
    default String describe() {
        return getClass().getSimpleName();
    }
}
