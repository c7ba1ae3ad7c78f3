package jrun.runtime;

/**
 * RFC 3339 UTC timestamps as Instant.toString writes them (seconds always, nanoseconds in groups
 * of three, trailing zero groups dropped). Hand-written: the first use of java.time costs
 * about 1 ms of every create in the interpreted JVM, for one string.
 */
public final class UtcTime {
    private UtcTime() {}

    public static String now() {
        java.time.Instant i = java.time.Instant.now(); // the clock only; no formatting machinery
        return format(i.getEpochSecond(), i.getNano());
    }

    static String format(long epochSecond, int nano) {
        long days = Math.floorDiv(epochSecond, 86400);
        int secs = (int) Math.floorMod(epochSecond, 86400);
        // civil date from days since 1970-01-01 (the proleptic Gregorian calendar, as java.time)
        long z = days + 719468;
        long era = Math.floorDiv(z, 146097);
        long doe = z - era * 146097;
        long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long day = doy - (153 * mp + 2) / 5 + 1;
        long month = mp < 10 ? mp + 3 : mp - 9;
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        StringBuilder sb = new StringBuilder(32);
        pad(sb, year, 4).append('-');
        pad(sb, month, 2).append('-');
        pad(sb, day, 2).append('T');
        pad(sb, secs / 3600, 2).append(':');
        pad(sb, secs / 60 % 60, 2).append(':');
        pad(sb, secs % 60, 2);
        if (nano != 0) {
            sb.append('.');
            if (nano % 1_000_000 == 0) pad(sb, nano / 1_000_000, 3);
            else if (nano % 1000 == 0) pad(sb, nano / 1000, 6);
            else pad(sb, nano, 9);
        }
        return sb.append('Z').toString();
    }

    private static StringBuilder pad(StringBuilder sb, long v, int width) {
        String s = Long.toString(v);
        for (int k = s.length(); k < width; k++) sb.append('0');
        return sb.append(s);
    }
}
