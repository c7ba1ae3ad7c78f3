package jrun.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jrun.interceptor.Interceptor;
import jrun.interceptor.InterceptorArgs;
import jrun.spec.Json;

/**
 * Runs every example of docs/rules.md, so the docs cannot rot: ```yaml rules blocks are loaded
 * through the interceptor's own rule set (presets, CDI, files), ```yaml cdi blocks become CDI
 * specs, ```json config blocks are merged over a config Docker 20.10 wrote, and ```text expect blocks
 * are checked (`edited: RULE`, `not matched: RULE`, `denied: MESSAGE`, `POINTER == JSON`).
 */
class DocsExamplesTest {
    private static final Pattern BLOCK = Pattern.compile("(?ms)^```(\\w+) (\\w+)\\n(.*?)^```$");

    record Block(String lang, String kind, String text, int line) {}

    /** The ```yaml rules blocks of docs/rules.md, in order. */
    static List<String> ruleBlocks() throws java.io.IOException {
        String md = Files.readString(Path.of(System.getProperty("jrun.home", "."), "docs/rules.md"));
        List<String> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(md);
        while (m.find()) if (m.group(2).equals("rules")) out.add(m.group(3));
        return out;
    }

    @Test
    void everyExampleInDocsRulesMdHolds(@TempDir Path tmp) throws Exception {
        String md = Files.readString(Path.of(System.getProperty("jrun.home", "."), "docs/rules.md"));
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(md);
        while (m.find()) blocks.add(new Block(m.group(1), m.group(2), m.group(3), 1 + (int) md.substring(0, m.start()).chars().filter(c -> c == '\n').count()));
        Path cdi = Files.createDirectories(tmp.resolve("cdi"));
        int n = 0;
        for (Block b : blocks) if (b.kind().equals("cdi")) Files.writeString(cdi.resolve("spec" + n++ + ".yaml"), b.text());
        Context ctx = new Context(TestSupport.fakeDevices(), TestSupport.dockerHostNetns(), List.of(cdi));
        RuleSet rules = null;
        Map<String, Object> patch = null;
        int ruleFiles = 0, expects = 0;
        for (Block b : blocks) {
            String where = "docs/rules.md:" + b.line();
            switch (b.kind()) {
                case "rules" -> {
                    Path f = tmp.resolve("rules" + ruleFiles++ + (b.lang().equals("json") ? ".json" : ".yaml"));
                    Files.writeString(f, b.text());
                    InterceptorArgs args = InterceptorArgs.parse(List.of("--oi-no-default-rules", "--oi-rules", f.toString(), "create", "x"));
                    rules = new Interceptor(args, Map.of(), tmp.resolve("none"), ctx).ruleSet();
                    patch = null;
                }
                case "config" -> patch = TestSupport.json(b.text());
                case "expect" -> {
                    assertNotNull(rules, where + ": an expect block before any rules block");
                    Map<String, Object> config = TestSupport.captured("docker-20.10-default.json");
                    if (patch != null) new MergePatch(patch).apply(config, ctx);
                    patch = null;
                    check(where, rules.apply(config, ctx), config, b.text());
                    expects++;
                }
                case "cdi" -> { }
                default -> fail(where + ": unknown block kind " + b.kind());
            }
        }
        assertTrue(ruleFiles >= 10 && expects >= 15, "found only " + ruleFiles + " rule blocks and " + expects + " expect blocks");
    }

    private static void check(String where, RuleSet.Result result, Map<String, Object> config, String expect) {
        for (String line : expect.strip().split("\n")) {
            if (line.startsWith("denied: ")) {
                assertNotNull(result.denied(), where + ": expected a deny");
                assertTrue(result.denyMessage().startsWith(line.substring(8)), where + ": deny message " + result.denyMessage());
                continue;
            }
            if (line.startsWith("edited: ") || line.startsWith("not matched: ")) {
                String rule = line.substring(line.indexOf(": ") + 2);
                RuleSet.Kind kind = line.startsWith("edited") ? RuleSet.Kind.EDITED : RuleSet.Kind.NOT_MATCHED;
                RuleSet.Outcome o = result.outcomes().stream().filter(x -> x.rule().name().equals(rule)).findFirst().orElse(null);
                assertNotNull(o, where + ": no outcome for rule " + rule);
                assertEquals(kind, o.kind(), where + ": rule " + rule + " " + RulesReport.line(o));
                continue;
            }
            int eq = line.indexOf(" == ");
            if (eq < 0) fail(where + ": cannot read expectation " + line);
            assertNull(result.denied(), where + ": unexpected deny " + result.denyMessage());
            Object want = Json.parse(line.substring(eq + 4));
            Object got = JsonPatch.find(config, line.substring(0, eq));
            assertTrue(Trees.equal(want, got), where + ": " + line + " but found " + (got == JsonPatch.MISSING ? "nothing" : Json.write(got)));
        }
    }
}
