package jrun.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonTest {

    @Test
    void keepsMemberOrderUnknownFieldsAndNulls() {
        String in = "{\"z\":1,\"a\":{\"unknown\":[true,false,null]},\"m\":null}";
        Object v = Json.parse(in);
        assertEquals(List.of("z", "a", "m"), List.copyOf(((Map<?, ?>) v).keySet()));
        assertTrue(((Map<?, ?>) v).containsKey("m"));
        assertNull(((Map<?, ?>) v).get("m"));
        assertEquals(in, Json.write(v));
    }

    @Test
    void numbersKeepTheirExactText() {
        String in = "{\"max\":18446744073709551615,\"neg\":-9223372036854775809,\"f\":1.50,\"e\":1E+3,\"z\":0}";
        Object v = Json.parse(in);
        assertEquals(in, Json.write(v));
        JsonNumber max = (JsonNumber) ((Map<?, ?>) v).get("max");
        assertEquals("18446744073709551615", max.bigInteger().toString());
        assertTrue(max.isInteger());
        assertNull(((JsonNumber) ((Map<?, ?>) v).get("f")).bigInteger());
    }

    @Test
    void nonAsciiAndEscapesSurvive() {
        String in = "[\"héllo → 世界 🎉\",\"tab\\there\",\"quote\\\"back\\\\slash\",\"\\u0001\",\"\\/\"]";
        Object v = Json.parse(in);
        List<?> l = (List<?>) v;
        assertEquals("héllo → 世界 🎉", l.get(0));
        assertEquals("tab\there", l.get(1));
        assertEquals("/", l.get(4));
        // Re-parsing what we wrote gives the same values, and non-ASCII is written raw.
        String out = Json.write(v);
        assertEquals(v, Json.parse(out));
        assertTrue(out.contains("世界 🎉"));
        assertTrue(out.contains("\\u0001"));
    }

    @Test
    void loneSurrogatesAreEscapedNotMangled() {
        Object v = Json.parse("[\"\\ud800x\"]");
        String out = Json.write(v);
        assertEquals("[\"\\ud800x\"]", out);
        // and the UTF-8 encoding of the output round-trips
        assertEquals(out, new String(out.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    }

    @Test
    void reproducesIndentationStyle() {
        String tabs = "{\n\t\"a\": [\n\t\t1,\n\t\t2\n\t],\n\t\"b\": {}\n}\n";
        Json.Document d = Json.parseDocument(tabs);
        assertEquals("\t", d.style().indent());
        assertEquals(tabs, Json.write(d.root(), d.style()));
        String spaces = "{\n  \"a\": \"x\"\n}\n";
        Json.Document s = Json.parseDocument(spaces);
        assertEquals(spaces, Json.write(s.root(), s.style()));
        Json.Document c = Json.parseDocument("{\"a\":[1]}");
        assertEquals("{\"a\":[1]}", Json.write(c.root(), c.style()));
    }

    @Test
    void goHtmlEscapesAreKeptWhenTheSourceUsedThem() {
        String go = "{\"a\":\"x \\u003e\\u003e y \\u0026 \\u003c\"}";
        Json.Document d = Json.parseDocument(go);
        assertEquals("x >> y & <", ((Map<?, ?>) d.root()).get("a"));
        assertEquals(go, Json.write(d.root(), d.style()));
        assertEquals("{\"a\":\"x >> y & <\"}", Json.write(d.root()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"a\":1,}|1|8",
        "{\"a\" 1}|1|6",
        "[1 2]|1|4",
        "{\"a\":tru}|1|6",
        "{\"a\":01}|1|7",
        "\"abc|1|5",
        "{\"a\":1}x|1|8",
        "''|1|1",
    })
    void syntaxErrorsCarryLineAndColumn(String text, int line, int col) {
        String in = text.equals("''") ? "" : text;
        JsonSyntaxException e = assertThrows(JsonSyntaxException.class, () -> Json.parse(in));
        assertEquals(line, e.line(), e.getMessage());
        assertEquals(col, e.column(), e.getMessage());
    }

    @Test
    void multiLinePositions() {
        JsonSyntaxException e = assertThrows(JsonSyntaxException.class, () -> Json.parse("{\n  \"a\": [1,\n  ]\n}"));
        assertEquals(3, e.line());
        assertEquals(3, e.column());
        assertEquals("f.json:3:3: unexpected ']', expected a value", e.describe("f.json"));
    }

    @Test
    void rejectsInvalidUtf8AndDeepNesting() {
        assertThrows(JsonSyntaxException.class, () -> Json.parseDocument(new byte[] {'"', (byte) 0xC3, '"'}));
        String deep = "[".repeat(1001) + "]".repeat(1001);
        JsonSyntaxException e = assertThrows(JsonSyntaxException.class, () -> Json.parse(deep));
        assertTrue(e.getMessage().contains("nesting"));
        assertInstanceOf(List.class, Json.parse("[".repeat(1000) + "]".repeat(1000)));
    }

    @Test
    void parseRootReadsWhatParseDocumentReads() throws Exception {
        for (String name : List.of("docker-20.10.json", "podman-4.3.json", "runc-1.1-spec.json")) {
            byte[] b;
            try (var in = JsonTest.class.getResourceAsStream("/configs/" + name)) {
                b = in.readAllBytes();
            }
            assertEquals(Json.parseDocument(b).root(), Json.parseRoot(b), name);
            assertEquals(Json.write(Json.parseDocument(b).root()), Json.write(Json.parseRoot(b)), name);
        }
        byte[] text = "{\"a\": \"\u00e9\\u00e9\\n\", \"b\": [true, false, null, -1.5e3]}".getBytes(StandardCharsets.UTF_8);
        assertEquals(Map.of("a", "\u00e9\u00e9\n", "b", java.util.Arrays.asList(true, false, null, new JsonNumber("-1.5e3"))), Json.parseRoot(text));
        assertThrows(JsonSyntaxException.class, () -> Json.parseRoot(new byte[] {'"', (byte) 0xC3, '"'}));
        JsonSyntaxException e = assertThrows(JsonSyntaxException.class, () -> Json.parseRoot("{\n  \"a\": tru\n}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("f.json:2:8: invalid literal, expected true", e.describe("f.json"));
    }

    @Test
    void readsUtf8BytesAsTheTextTheyEncode() {
        // BMP, a supplementary character (two chars), escapes between raw text, and a BOM
        String text = "{\"k\u00e9\": \"a\u00e9\u2713\ud834\udd1e\\n\u00e9\\\"x\", \"n\": [\"\u00fc\"]}";
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        Map<String, Object> expected = Map.of("k\u00e9", "a\u00e9\u2713\ud834\udd1e\n\u00e9\"x", "n", List.of("\u00fc"));
        assertEquals(expected, Json.parseRoot(utf8));
        assertEquals(expected, Json.parse(text));
        byte[] bom = new byte[utf8.length + 3];
        bom[0] = (byte) 0xEF;
        bom[1] = (byte) 0xBB;
        bom[2] = (byte) 0xBF;
        System.arraycopy(utf8, 0, bom, 3, utf8.length);
        assertEquals(expected, Json.parseRoot(bom));
    }

    @Test
    void invalidUtf8IsAnErrorInsideAndOutsideStrings() {
        JsonSyntaxException in = assertThrows(JsonSyntaxException.class, () -> Json.parseRoot(new byte[] {'[', '"', 'a', (byte) 0xFF, '"', ']'}));
        assertEquals("invalid UTF-8 in string", in.getMessage());
        assertEquals(3, in.column(), "where the string's text starts");
        // an overlong encoding of '/', which a lenient decoder would let through
        assertThrows(JsonSyntaxException.class, () -> Json.parseRoot(new byte[] {'"', (byte) 0xC0, (byte) 0xAF, '"'}));
        assertThrows(JsonSyntaxException.class, () -> Json.parseRoot(new byte[] {'[', (byte) 0xC3, (byte) 0xA9, ']'}));
    }

    @Test
    void columnsAndPositionsCountCharsNotBytes() {
        JsonSyntaxException e = assertThrows(JsonSyntaxException.class, () -> Json.parse("[\"\u00e9\ud834\udd1e\", x]"));
        assertEquals(9, e.column(), "[ \" \u00e9 \ud834\udd1e (two chars) \" , space: x is the 9th char");
        assertEquals("unexpected 'x', expected a value", e.getMessage());
        java.util.Map<Object, Integer> at = new java.util.HashMap<>();
        String text = "{\"\u00e9\ud834\udd1e\": 1, \"b\": \"\u2713\", \"c\": 2}";
        Json.parse(text, (container, key, value, offset) -> { if (key != null) at.put(key, offset); });
        assertEquals(text.indexOf("1"), at.get("\u00e9\ud834\udd1e"));
        assertEquals(text.indexOf("\"\u2713"), at.get("b"));
        assertEquals(text.indexOf("2"), at.get("c"));
    }
}
