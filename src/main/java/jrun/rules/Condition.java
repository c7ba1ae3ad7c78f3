package jrun.rules;

import java.util.Map;

/** One `when` test on a config. describe() says what was tested, for "why did this rule match". */
public interface Condition {
    boolean test(Map<String, Object> config);

    String describe();

    /** The same test, with what this apply has already worked out (the mount index); compound and mount conditions use it. */
    default boolean test(Map<String, Object> config, Facts facts) {
        return test(config);
    }

    /** Why the test fails on config, for "why did this rule not match" (`rules apply`); compounds name the part that failed. */
    default String whyNot(Map<String, Object> config, Facts facts) {
        return "not " + describe();
    }

    Condition ALWAYS = new Condition() {
        @Override
        public boolean test(Map<String, Object> config) {
            return true;
        }

        @Override
        public String describe() {
            return "always";
        }
    };
}
