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

    /** What the edit does, for `rules apply` and the debug log. */
    default String describe() {
        return getClass().getSimpleName();
    }
}
