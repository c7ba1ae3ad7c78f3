package jrun.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigTreeTest {
    @ParameterizedTest
    @CsvSource({
        "/etc/hosts,/etc/hosts",
        "//etc//hosts,/etc/hosts",
        "/etc/hosts/,/etc/hosts",
        "/etc/./hosts,/etc/hosts",
        "/etc/x/../hosts,/etc/hosts",
        "etc/hosts,/etc/hosts",
        "/../etc/hosts,/etc/hosts",
        "/,/",
    })
    void normalizesDestinations(String in, String out) {
        assertEquals(out, ConfigTree.normalizeDestination(in));
    }
}
