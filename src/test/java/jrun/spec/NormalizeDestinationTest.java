package jrun.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The allocation-free fast path for already-normal destinations agrees with the full normalisation. */
class NormalizeDestinationTest {
    @Test
    void normalForms() {
        String[][] cases = {{"/", "/"}, {"/etc/hosts", "/etc/hosts"}, {"/etc//hosts", "/etc/hosts"}, {"/etc/hosts/", "/etc/hosts"},
                {"etc/hosts", "/etc/hosts"}, {"/etc/./hosts", "/etc/hosts"}, {"/etc/../hosts", "/hosts"}, {"/..", "/"},
                {"/a/.", "/a"}, {"/a/..", "/"}, {"/.hidden/..x/...", "/.hidden/..x/..."}, {"", "/"}, {"//", "/"}};
        for (String[] c : cases) assertEquals(c[1], ConfigTree.normalizeDestination(c[0]), c[0]);
    }
}
