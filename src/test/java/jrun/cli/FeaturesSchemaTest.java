package jrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import jrun.linux.seccomp.Arch;
import jrun.linux.seccomp.SeccompFeatures;
import jrun.spec.Json;
import jrun.testing.StdioCapture;

/** `jrun features` against runtime-spec's features JSON schema (src/test/resources/runtime-spec/schema). */
class FeaturesSchemaTest {
    static final Schema SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
            .getSchema(SchemaLocation.of("classpath:runtime-spec/schema/features-schema.json"));

    static String featuresText() throws Exception {
        try (InputStream in = FeaturesCommand.class.getResourceAsStream("/jrun/features.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static List<Error> errors(Map<String, Object> doc) {
        return SCHEMA.validate(Json.write(doc, Json.Style.TWO_SPACES), InputFormat.JSON);
    }

    @RegisterExtension
    final StdioCapture io = new StdioCapture();

    /** The schema's errors for a document's text (empty: it validates). */
    static List<Error> errors(String json) {
        return SCHEMA.validate(json, InputFormat.JSON);
    }

    /** What `jrun features` prints, run in-process; FeaturesSchemaIT runs bin/jrun itself. */
    @Test
    void theOutputOfJrunFeaturesValidates() throws Exception {
        assertEquals(0, JrunMain.run(List.of("features")));
        assertEquals("", io.err.toString(StandardCharsets.UTF_8));
        String out = io.out.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("\"ociVersionMax\": \"1.2.1\"") && out.contains("\"seccomp\""), out);
        assertEquals(List.of(), errors(out));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theSchemaCatchesWhatIsOutsideIt() throws Exception {
        Map<String, Object> doc = FeaturesCommand.withLinux(featuresText());
        Map<String, Object> sec = (Map<String, Object>) ((Map<String, Object>) doc.get("linux")).get("seccomp");
        List<Object> flags = new ArrayList<>((List<Object>) sec.get("knownFlags"));
        flags.add("SECCOMP_FILTER_FLAG_NEW_LISTENER"); // a kernel flag, but not one a config may name
        sec.put("knownFlags", flags);
        List<Error> errors = errors(doc);
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).toString().contains("knownFlags"), errors.toString());
        doc.remove("ociVersionMax");
        assertEquals(2, errors(doc).size());
    }

    /** Every architecture the seccomp compiler has a syscall table for, and no other. */
    @Test
    @SuppressWarnings("unchecked")
    void everyArchitectureTheCompilerSupports() throws Exception {
        Map<String, Object> doc = FeaturesCommand.withLinux(featuresText());
        List<Object> archs = (List<Object>) ((Map<String, Object>) ((Map<String, Object>) doc.get("linux")).get("seccomp")).get("archs");
        List<String> withTable = new ArrayList<>();
        for (Arch a : Arch.values()) if (a.hasTable()) withTable.add(a.ociName);
        assertEquals(withTable, archs);
        assertTrue(archs.containsAll(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_RISCV64")), archs.toString());
        assertFalse(SeccompFeatures.FLAGS.contains("SECCOMP_FILTER_FLAG_NEW_LISTENER"), "set by the runtime for SCMP_ACT_NOTIFY, not by a config");
    }
}
