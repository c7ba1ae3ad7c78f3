package jrun.rules;

import java.util.Map;

/** One `when` test on a config. describe() says what was tested, for "why did this rule match". */
public interface Condition {
    boolean test(Map<String, Object> config);

    String describe();

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
