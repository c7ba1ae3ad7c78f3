package jrun.rules;

import java.util.Map;

/** One change to a config.json tree. Returns whether the tree changed; throws JrunException naming the field on bad input. */
@FunctionalInterface
public interface ConfigEdit {
    boolean apply(Map<String, Object> config);
}
