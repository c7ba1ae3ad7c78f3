package jrun.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Random;

import org.junit.jupiter.api.Test;

class UtcTimeTest {
    static String expected(long sec, int nano) {
        return Instant.ofEpochSecond(sec, nano).toString(); // ISO_INSTANT: always seconds, nanos in groups of three
    }

    @Test
    void matchesJavaTimeOnEdgesAndRandomInstants() {
        long[] secs = {0, 59, 86399, 86400, 951782400L /* 2000-02-29 */, 1795363200L, 4107542399L /* 2100-02-28T23:59:59 */, 253402300799L};
        int[] nanos = {0, 1, 1000, 1_000_000, 120_000_000, 123_456_000, 123_456_789, 999_999_999};
        for (long s : secs) for (int n : nanos) assertEquals(expected(s, n), UtcTime.format(s, n), s + "." + n);
        Random r = new Random(42);
        for (int i = 0; i < 20000; i++) {
            long s = Math.floorMod(r.nextLong(), 253402300800L);
            int n = r.nextInt(4) == 0 ? 0 : r.nextInt(1_000_000_000);
            assertEquals(expected(s, n), UtcTime.format(s, n));
        }
    }

    /** now() is a reading of the clock taken between two others: no minute's turn can make it flake. */
    @Test
    void nowIsNow() {
        Instant before = Instant.now();
        Instant now = Instant.parse(UtcTime.now());
        Instant after = Instant.now();
        assertTrue(!now.isBefore(before) && !now.isAfter(after), before + " <= " + now + " <= " + after);
    }
}
