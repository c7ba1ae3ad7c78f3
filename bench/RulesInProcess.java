import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import jrun.rules.Context;
import jrun.rules.RuleSet;
import jrun.spec.ConfigFile;
import jrun.spec.Json;

/**
 * Run by bench/rules-bench.sh in a fresh JVM with the launcher's flags and AOT cache: times, inside
 * the process, what rules add to a create (load the rule file, apply it to the parsed config), so
 * the figure does not drown in the JVM start's noise. Prints "load_ms apply_ms".
 */
public final class RulesInProcess {
    public static void main(String[] args) {
        Path rules = Path.of(args[0]), config = Path.of(args[1]);
        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) ConfigFile.read(config).root();
        long t0 = System.nanoTime();
        RuleSet set = RuleSet.load(List.of(rules));
        long t1 = System.nanoTime();
        RuleSet.Result r = set.apply(root, Context.host());
        long t2 = System.nanoTime();
        if (!r.changed() || Json.write(root).isEmpty()) throw new AssertionError("the rules changed nothing");
        System.out.printf("%.2f %.2f%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6);
    }
}
