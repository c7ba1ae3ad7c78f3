package jrun.rules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jrun.JrunException;
import jrun.spec.Json;
import jrun.spec.JsonSyntaxException;

/**
 * Reads one rule file (JSON by jrun.spec.Json for *.json, the YAML subset for *.yaml/*.yml):
 * {@code {version: 1, rules: [{name, description?, when?, edits?, deny?, record?}]}}.
 * Any problem is a JrunException naming FILE:LINE:COLUMN.
 */
public final class RuleFile {
    public static final int VERSION = 1;
    static final Set<String> TOP = Set.of("version", "rules");
    static final Set<String> RULE = Set.of("name", "description", "when", "edits", "deny", "record");

    private RuleFile() {}

    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    public static boolean isRuleFile(Path p) {
        String n = p.getFileName().toString();
        return !n.startsWith(".") && (n.endsWith(".json") || n.endsWith(".yaml") || n.endsWith(".yml"));
    }

    /** The largest rule file read (docs/reliability.md): a bigger one is refused before it is parsed, whose trees cost ~40 times its size. */
    public static final int MAX_BYTES = 4 << 20;

    public static List<Rule> read(Path file) {
        String text;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1); // bounded even if the file grows meanwhile
            if (bytes.length > MAX_BYTES)
                throw new JrunException("rule file " + file + ": larger than the limit of " + MAX_BYTES + " bytes; not read");
            text = Json.decodeUtf8(bytes);
        } catch (IOException e) {
            throw new JrunException("rule file " + file + ": cannot read: " + e.getMessage());
        } catch (JsonSyntaxException e) {
            throw new JrunException(file + ": " + e.getMessage());
        }
        return parse(file.toString(), text, !file.toString().endsWith(".json"));
    }

    public static List<Rule> parse(String name, String text, boolean yaml) {
        SourceMap src = SourceMap.lazy(name, text, again -> yaml ? YamlReader.parse(text, again) : Json.parse(text, again));
        Object root;
        try {
            root = yaml ? YamlReader.parse(text, src) : Json.parse(text);
        } catch (JsonSyntaxException e) {
            throw new JrunException(e.describe(name));
        }
        src.root(root);
        RuleInput in = new RuleInput(src);
        if (root == null) throw new JrunException(name + ":1:1: empty rule file (expected version and rules)");
        Map<String, Object> top = in.map(null, null, root);
        in.keys(top, "a rule file", TOP);
        if (!top.containsKey("version")) throw new JrunException(src.where(top) + ": missing \"version: " + VERSION + "\"");
        long v = in.integer(top, "version", top.get("version"));
        if (v != VERSION) throw in.error(top, "version", "unsupported version " + v + " (this oci-interceptor reads version " + VERSION + ")");
        List<Object> rules = in.list(top, "rules", top.get("rules"));
        List<Rule> out = new ArrayList<>(rules.size());
        for (int i = 0; i < rules.size(); i++) out.add(rule(in, rules, i));
        return out;
    }

    private static Rule rule(RuleInput in, List<Object> rules, int i) {
        Map<String, Object> m = in.map(rules, i, rules.get(i));
        in.keys(m, "a rule", RULE);
        String name = in.requireString(m, "name");
        if (!NAME.matcher(name).matches()) throw in.error(m, "name", "use letters, digits, '.', '_' and '-' (at most 128)");
        in.optString(m, "description");
        Condition when = Conditions.parse(in, m, "when", m.get("when"));
        List<ConfigEdit> edits = m.get("edits") == null ? List.of() : Edits.parse(in, m, "edits", m.get("edits"));
        String deny = in.optString(m, "deny");
        if (deny != null && deny.isBlank()) throw in.error(m, "deny", "an empty deny message");
        if (deny != null && deny.contains("\n")) throw in.error(m, "deny", "keep the deny message on one line");
        if (edits.isEmpty() && deny == null) throw in.src().error(m, "rule " + name + ": give edits, deny or both");
        boolean record = m.containsKey("record") && in.bool(m, "record", m.get("record"));
        Rule r = new Rule(name, () -> in.where(rules, i), when, edits, deny, record);
        if (deny != null && !edits.isEmpty() && !r.hasTest())
            throw in.error(m, "deny", "with edits, deny is given when a \"test\" edit fails; this rule has no test");
        return r;
    }
}
