package jrun.rules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jrun.JrunException;

/**
 * An ordered list of rules and the one way to apply them, shared by oci-interceptor and jrun.
 *
 * <p>Order (documented in docs/rules.md): presets (the --oi-* flags, then CDI devices requested by
 * annotations), then the default directory's files by name, then each --oi-rules PATH in command
 * line order (a directory's files by name), rules within a file top to bottom. Each rule sees the
 * config as the rules before it left it. The first deny stops everything.
 *
 * <p>Loading is all or nothing: any bad file fails the whole load, so a half-read rule set is
 * never used. If apply throws, the config map may be half edited: callers discard it (the
 * interceptor then writes nothing and the runtime is not started).
 */
public final class RuleSet {
    public static final Path DEFAULT_DIR = Path.of("/etc/oci-interceptor/rules.d");
    /** Annotation listing the rules marked `record: true` that matched, when any did. */
    public static final String RECORD_ANNOTATION = "dev.jrun.rules.applied";

    private final List<Rule> rules;

    private RuleSet(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    public static RuleSet of(List<Rule> rules) {
        Map<String, Rule> seen = new HashMap<>();
        for (Rule r : rules) {
            Rule prev = seen.putIfAbsent(r.name(), r);
            if (prev != null && !r.isPreset())
                throw new JrunException(r.source() + ": rule name \"" + r.name() + "\" is already used at " + prev.source());
        }
        return new RuleSet(rules);
    }

    public List<Rule> rules() {
        return rules;
    }

    public RuleSet then(RuleSet more) {
        List<Rule> all = new ArrayList<>(rules);
        all.addAll(more.rules);
        return of(all);
    }

    /**
     * The rule set of a create, in the documented order: presets (built-in flags), then the CDI
     * devices the config requests by annotation, then the rule files under defaultDir (when it
     * exists; null for none) and paths. What oci-interceptor applies; jrun can apply the same.
     */
    public static RuleSet standard(RuleSet presets, Path defaultDir, List<String> paths) {
        List<Path> all = paths(defaultDir, paths);
        RuleSet files = all.isEmpty() ? of(List.of()) : load(all);
        return presets.then(of(List.of(Rule.preset("cdi-annotations", CdiEdit.fromAnnotations())))).then(files);
    }

    /** The paths to read: defaultDir first when it exists (and is wanted), then the given paths. */
    public static List<Path> paths(Path defaultDir, List<String> given) {
        List<Path> out = new ArrayList<>();
        if (defaultDir != null && Files.isDirectory(defaultDir)) out.add(defaultDir);
        for (String g : given) out.add(Path.of(g));
        return out;
    }

    /** Reads every rule file under the paths, in order. A missing explicit path is an error. */
    public static RuleSet load(List<Path> paths) {
        List<Rule> all = new ArrayList<>();
        for (Path p : files(paths)) all.addAll(RuleFile.read(p));
        return of(all);
    }

    /** The rule files the paths name, in application order. */
    public static List<Path> files(List<Path> paths) {
        List<Path> out = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(RuleFile::isRuleFile).sorted().forEach(out::add);
                } catch (IOException e) {
                    throw new JrunException("rule directory " + p + ": cannot list: " + e.getMessage());
                }
            } else if (Files.exists(p)) {
                out.add(p);
            } else {
                throw new JrunException("rule path " + p + ": no such file or directory");
            }
        }
        return out;
    }

    public enum Kind { EDITED, UNCHANGED, DENIED, SKIPPED, NOT_MATCHED }

    /**
     * What one rule did, and why: the condition that held, or the test that failed (detail), and
     * the edits that changed something. The texts are made only when asked for: a create that
     * does not log them does not pay for them.
     */
    public record Outcome(Rule rule, Kind kind, String detail, List<ConfigEdit> changed) {
        /**
         * The condition that held (with the failed test for a deny-unless), the failed test of a
         * skipped rule, or why a rule did not match (when apply was asked to explain, else null).
         */
        public String why() {
            if (kind == Kind.NOT_MATCHED) return detail;
            if (kind == Kind.SKIPPED) return detail;
            String when = rule.when().describe();
            return detail == null ? when : when + ", and " + detail;
        }

        public List<String> edits() {
            List<String> out = new ArrayList<>(changed.size());
            for (ConfigEdit e : changed) out.add(e.describe());
            return out;
        }
    }

    /** The result of apply: whether the config changed, every rule's outcome, and the deny, if any. */
    public record Result(boolean changed, List<Outcome> outcomes, Outcome denied) {
        public boolean allowed() {
            return denied == null;
        }

        /** The user-facing line for a deny: the rule's message, then which rule and where. */
        public String denyMessage() {
            if (denied == null) return null;
            return denied.rule().deny() + " (denied by rule " + denied.rule().name() + " at " + denied.rule().source() + ")";
        }
    }

    public Result apply(Map<String, Object> config, Context ctx) {
        return apply(config, ctx, false);
    }

    /** explain: also say why each rule that did not match did not (`rules apply`; a create does not pay for it). */
    public Result apply(Map<String, Object> config, Context ctx, boolean explain) {
        List<Outcome> outcomes = new ArrayList<>(rules.size());
        List<String> recorded = new ArrayList<>();
        boolean changed = false;
        Facts facts = new Facts(ctx);
        for (Rule r : rules) {
            if (!r.when().test(config, facts)) {
                outcomes.add(new Outcome(r, Kind.NOT_MATCHED, explain ? r.when().whyNot(config, facts) : null, List.of()));
                continue;
            }
            if (r.edits().isEmpty()) {
                Outcome o = new Outcome(r, Kind.DENIED, null, List.of());
                outcomes.add(o);
                return new Result(changed, outcomes, o);
            }
            Map<String, Object> target = r.hasTest() ? copyOf(config) : config;
            List<ConfigEdit> done = new ArrayList<>();
            boolean ruleChanged = false;
            try {
                for (ConfigEdit e : r.edits()) {
                    try {
                        if (e.apply(target, ctx, facts)) {
                            ruleChanged = true;
                            done.add(e);
                            if (!e.keepsMounts()) facts.mountsChanged();
                        }
                    } catch (JrunException x) {
                        throw new JrunException(r.source() + ": rule " + r.name() + ": " + x.getMessage(), x);
                    }
                }
            } catch (JsonPatch.TestFailed t) {
                facts.mountsChanged(); // edits before the failed test were made on a copy that is dropped
                if (r.deny() != null) {
                    Outcome o = new Outcome(r, Kind.DENIED, t.getMessage(), List.of());
                    outcomes.add(o);
                    return new Result(changed, outcomes, o);
                }
                outcomes.add(new Outcome(r, Kind.SKIPPED, t.getMessage(), List.of()));
                continue;
            }
            if (target != config) {
                config.clear();
                config.putAll(target);
            }
            changed |= ruleChanged;
            if (r.record()) recorded.add(r.name());
            outcomes.add(new Outcome(r, ruleChanged ? Kind.EDITED : Kind.UNCHANGED, null, done));
        }
        if (!recorded.isEmpty()) {
            changed |= new AnnotationEdit(RECORD_ANNOTATION, String.join(",", recorded), false).apply(config, ctx);
        }
        return new Result(changed, outcomes, null);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> copyOf(Map<String, Object> config) {
        return (Map<String, Object>) Trees.copy(new LinkedHashMap<>(config));
    }
}
