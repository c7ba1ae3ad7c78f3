package jrun.runtime;

import java.nio.file.Path;
import java.util.Map;

/**
 * Rules applied to a container's config in jrun's own process during create and run (jrun
 * --rules, --oi-*): edits the tree in place before anything else reads it, or throws the
 * JrunException a denying rule gives. Returns whether the config changed.
 */
public interface ConfigRules {
    boolean apply(Map<String, Object> config, Path bundle);

    ConfigRules NONE = (config, bundle) -> false;
}
