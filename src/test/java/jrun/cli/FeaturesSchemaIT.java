package jrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jrun.testing.Sandbox;

/** The built bin/jrun's `features` output against runtime-spec's features schema (FeaturesSchemaTest has the schema). */
class FeaturesSchemaIT {
    @Test
    void binJrunFeaturesValidates() {
        Sandbox.Result r = Sandbox.exec(List.of(Sandbox.JRUN.toString(), "features"), Path.of("/"), Map.of());
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());
        assertTrue(r.out().contains("\"archs\""), r.out());
        assertEquals(List.of(), FeaturesSchemaTest.errors(r.out()));
    }
}
