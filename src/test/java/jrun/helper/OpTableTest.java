package jrun.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The C opcode table (src/main/c/helper_ops.h) and the Java enum must agree exactly. */
class OpTableTest {
    @Test
    void cHeaderMatchesJavaEnum() throws IOException {
        String header = Files.readString(Path.of("src/main/c/helper_ops.h"));
        Matcher m = Pattern.compile("OP\\((\\w+), (\\d+), \"([suvb]*)\"\\)").matcher(header);
        Map<String, String> c = new LinkedHashMap<>();
        while (m.find()) c.put(m.group(1), m.group(2) + " " + m.group(3));
        assertFalse(c.isEmpty(), "no OP(...) lines found in helper_ops.h");
        Map<String, String> java = new LinkedHashMap<>();
        for (Op op : Op.values()) java.put(op.name(), op.code + " " + op.signature);
        assertEquals(java, c);
    }

    @Test
    void codesAreUnique() {
        assertEquals(Op.values().length, java.util.Arrays.stream(Op.values()).mapToInt(o -> o.code).distinct().count());
    }
}
