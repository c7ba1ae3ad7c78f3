package jrun.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jrun.JrunException;
import jrun.interceptor.Interceptor;
import jrun.interceptor.InterceptorArgs;
import jrun.rules.Context;
import jrun.rules.Rule;
import jrun.rules.RuleFile;
import jrun.rules.RuleSet;
import jrun.rules.RulesReport;
import jrun.spec.ConfigFile;
import jrun.spec.Json;

/**
 * {@code oci-interceptor [OI-FLAGS] rules check [PATH...]} and
 * {@code oci-interceptor [OI-FLAGS] rules apply --config FILE [--rules PATH]... [--diff] [--all]}.
 * check validates files (all of them, one error line each). apply is a dry run: the resulting
 * config (or a diff) on stdout, what each rule did and why on stderr; exit 3 when a rule denies.
 * The --oi-* flags before "rules" take part as they would on a create.
 */
public final class RulesCommand {
    public static final int DENIED = 3;
    private final InterceptorArgs args;
    private final Path defaultDir;
    private final Context context;
    private final PrintStream out, err;

    public RulesCommand(InterceptorArgs args, Path defaultDir, Context context, PrintStream out, PrintStream err) {
        this.args = args;
        this.defaultDir = defaultDir;
        this.context = context;
        this.out = out;
        this.err = err;
    }

    public int run(List<String> argv) {
        if (argv.isEmpty()) throw JrunException.usage("rules: expected check or apply (see --oi-help)");
        List<String> rest = argv.subList(1, argv.size());
        return switch (argv.get(0)) {
            case "check" -> check(rest);
            case "apply" -> apply(rest);
            default -> throw JrunException.usage("rules: unknown subcommand " + argv.get(0) + " (expected check or apply)");
        };
    }

    private int check(List<String> argv) {
        for (String a : argv) if (a.startsWith("-")) throw JrunException.usage("rules check: unknown flag " + a);
        List<Path> paths = new ArrayList<>();
        if (argv.isEmpty()) {
            paths.addAll(RuleSet.paths(defaultDir, List.of()));
            if (paths.isEmpty()) throw new JrunException("rules check: no PATH given and " + defaultDir + " does not exist");
        } else {
            for (String a : argv) paths.add(Path.of(a));
        }
        int errors = 0, files = 0;
        List<Rule> all = new ArrayList<>();
        for (Path f : RuleSet.files(paths)) {
            files++;
            try {
                all.addAll(RuleFile.read(f));
            } catch (JrunException e) {
                err.println(e.getMessage());
                errors++;
            }
        }
        if (errors == 0) {
            try {
                RuleSet.of(all);
            } catch (JrunException e) {
                err.println(e.getMessage());
                errors++;
            }
        }
        if (errors > 0) {
            err.println("rules check: " + errors + " file(s) with errors");
            return 1;
        }
        out.println("ok: " + all.size() + " rule(s) in " + files + " file(s)");
        return 0;
    }

    private int apply(List<String> argv) {
        String config = null;
        boolean diff = false, all = false, noDefault = args.noDefaultRules();
        List<String> rulePaths = new ArrayList<>(args.rulePaths());
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            switch (a) {
                case "--config", "--rules" -> {
                    if (i + 1 >= argv.size()) throw JrunException.usage("rules apply: " + a + " needs a value");
                    if (a.equals("--config")) config = argv.get(++i);
                    else rulePaths.add(argv.get(++i));
                }
                case "--diff" -> diff = true;
                case "--all" -> all = true;
                case "--no-default-rules" -> noDefault = true;
                default -> throw JrunException.usage("rules apply: unknown argument " + a);
            }
        }
        if (config == null) throw JrunException.usage("rules apply: --config FILE is required");
        InterceptorArgs effective = new InterceptorArgs(args.runtimePath(), args.readonlyNetworkingMounts(), args.envEdits(),
                false, args.debugOutputDir(), List.copyOf(rulePaths), noDefault, false, false, List.of());
        RuleSet rules = new Interceptor(effective, Map.of(), defaultDir, context).ruleSet();
        Path file = Path.of(config);
        Json.Document doc = ConfigFile.read(file);
        Map<String, Object> root = ConfigFile.rootObject(doc, file);
        Json.Style style = doc.style().indent() == null ? Json.Style.TWO_SPACES : doc.style();
        String before = Json.write(root, style);
        RuleSet.Result result;
        try {
            result = rules.apply(root, context, true);
        } catch (JrunException e) {
            throw new JrunException(file + ": " + e.getMessage(), e);
        }
        boolean anyListed = false;
        for (RuleSet.Outcome o : result.outcomes()) anyListed |= RulesReport.listed(o, false);
        if (!anyListed) { // say so, and why for each rule, rather than print nothing
            err.println(result.outcomes().isEmpty() ? "no rule matched: there are no rules (give --rules PATH)" : "no rule matched:");
            all = true;
        }
        for (RuleSet.Outcome o : result.outcomes()) {
            if (RulesReport.listed(o, all)) err.println(RulesReport.line(o));
        }
        if (!result.allowed()) {
            err.println("denied: " + result.denyMessage());
            return DENIED;
        }
        String after = Json.write(root, style);
        if (diff && before.equals(after)) err.println("no change: the config is left as it is");
        if (diff) out.print(TextDiff.unified(config, config + " (rules applied)", before, after));
        else out.print(after);
        return 0;
    }
}
