package jrun.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import jrun.JrunException;
import jrun.spec.Json;

class YamlReaderTest {
    private static Object parse(String text) {
        return YamlReader.parse(text, new SourceMap("f.yaml", text));
    }

    private static String json(String yaml) {
        return Json.write(parse(yaml));
    }

    private static String error(String yaml) {
        return assertThrows(JrunException.class, () -> parse(yaml)).getMessage();
    }

    @Test
    void blockMappingsAndSequences() {
        assertEquals("{\"a\":1,\"b\":{\"c\":\"x y\",\"d\":[1,\"two\",{\"e\":true,\"f\":null}]}}",
                json("a: 1\nb:\n  c: x y   # comment\n  d:\n    - 1\n    - two\n    - e: true\n      f:\n"));
    }

    @Test
    void sequenceAtTheParentKeysIndent() {
        assertEquals("{\"k\":[\"a\",\"b\"],\"z\":0}", json("k:\n- a\n- b\nz: 0\n"));
    }

    @Test
    void nestedSequencesAndDocumentMarker() {
        assertEquals("[[1,2],[3]]", json("---\n- - 1\n  - 2\n- - 3\n"));
    }

    @Test
    void flowCollectionsSpanLines() {
        assertEquals("{\"a\":[\"x\",{\"b\":\"/etc/hosts\",\"c\":[]},\"http://h:1\"],\"d\":{}}",
                json("a: [x, {b: /etc/hosts, c: []},\n    http://h:1]\nd: {}\n"));
    }

    @Test
    void quotedScalars() {
        assertEquals("{\"a\":\"it's\",\"b\":\"tab\\tA\u00e9\",\"c\":\"1\",\"d\":\"# not a comment\"}",
                json("a: 'it''s'\nb: \"tab\\t\\x41\\u00e9\"\nc: \"1\"\nd: \"# not a comment\"\n"));
    }

    @Test
    void blockScalars() {
        assertEquals("{\"a\":\"line 1\\nline 2\\n\",\"b\":\"folded text\",\"c\":\"x\"}",
                json("a: |\n  line 1\n  line 2\nb: >-\n  folded\n  text\nc: x\n"));
    }

    @Test
    void foldedBlocksKeepParagraphs() {
        assertEquals("{\"a\":\"one two\\nthree\\n\\nfour\\n\",\"b\":\"x\"}", json("a: >\n  one\n  two\n\n  three\n\n\n  four\nb: x\n"));
    }

    @Test
    void scalarTypesFollowYaml12Core() {
        assertEquals("[null,null,true,false,-12,1.5e3,438,31,\"yes\",\"0.1.2\"]",
                json("- ~\n- null\n- true\n- False\n- -12\n- 1.5e3\n- 0o666\n- 0x1F\n- yes\n- 0.1.2\n"));
    }

    @Test
    void commentsAndDirectiveBeforeTheDocumentMarker() {
        assertEquals("{\"a\":1}", json("# rules for x\n%YAML 1.2\n\n---\n# first\na: 1\n...\n"));
    }

    @Test
    void emptyDocumentIsNull() {
        assertNull(parse("# nothing\n"));
    }

    @Test
    void positionsAreRecorded() {
        String text = "rules:\n  - name: a\n    when: {hostname: x}\n";
        SourceMap src = new SourceMap("f.yaml", text);
        Object root = YamlReader.parse(text, src);
        var rules = (java.util.List<?>) ((java.util.Map<?, ?>) root).get("rules");
        var rule = (java.util.Map<?, ?>) rules.get(0);
        assertEquals("f.yaml:2:5", src.where(rules, 0));
        assertEquals("f.yaml:3:11", src.where(rule, "when"));
        assertEquals("f.yaml:3:22", src.where(rule.get("when"), "hostname"));
    }

    @Test
    void errorsNameLineAndColumn() {
        assertEquals("f.yaml:2:1: tab in indentation (YAML allows spaces only)", error("a:\n\tb: 1\n"));
        assertEquals("f.yaml:1:4: anchors, aliases and tags are not supported", error("a: &x 1\n"));
        assertEquals("f.yaml:2:1: duplicate key \"a\"", error("a: 1\na: 2\n"));
        assertEquals("f.yaml:2:5: unexpected indentation", error("a: 1\n    b: 2\n"));
        assertEquals("f.yaml:2:3: multi-line plain scalars are not supported: quote the value or use |", error("a: one\n  two\n"));
        assertEquals("f.yaml:1:4: ambiguous number 0644: write 0o644 for octal, or drop the leading 0", error("a: 0644\n"));
        assertEquals("f.yaml:1:4: unterminated quoted string (multi-line quoted strings are not supported)", error("a: \"x\n"));
        assertEquals("f.yaml:3:1: a second document (---) is not supported", error("a: 1\n\n---\nb: 2\n"));
        assertEquals("f.yaml:2:1: unterminated flow collection, expected ']'", error("a: [1, 2, 3\n"));
        assertEquals("f.yaml:1:7: unexpected ': ' in a plain value (quote the value)", error("a: b c: d\n"));
        assertEquals("f.yaml:1:1: complex keys are not supported", error("? a\n"));
        assertEquals("f.yaml:1:203: nesting deeper than 200", error("a: " + "[".repeat(100000)));
        StringBuilder deep = new StringBuilder();
        for (int i = 0; i < 300; i++) deep.append("  ".repeat(i)).append("k:\n");
        assertEquals("f.yaml:201:401: nesting deeper than 200", error(deep.toString()));
    }
}
