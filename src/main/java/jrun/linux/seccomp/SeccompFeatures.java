package jrun.linux.seccomp;

import java.util.ArrayList;
import java.util.List;

/** What `features` reports under linux.seccomp (runtime-spec features.md): what this compiler accepts. */
public final class SeccompFeatures {
    private SeccompFeatures() {}

    public static final List<String> ACTIONS = List.of("SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",
            "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE",
            "SCMP_ACT_TRAP");
    public static final List<String> OPERATORS = List.of("SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE",
            "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE");
    /**
     * The flags a config may name (runtime-spec 1.2.1's SeccompFlag). The compiler also takes
     * NEW_LISTENER and TSYNC_ESRCH, which are the kernel's but not the spec's (jrun sets
     * NEW_LISTENER itself for SCMP_ACT_NOTIFY): advertised, they made `features` fail its schema.
     */
    public static final List<String> FLAGS = List.of("SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
            "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
    /** The kernel release each of FLAGS came with (seccomp(2)), major * 1000 + minor. */
    private static final int[] FLAG_SINCE = {4014, 4017, 3017, 5019};

    /** FLAGS the running kernel knows, by its release ("6.18.0-..."); all of them when it cannot be read. */
    public static List<String> supportedFlags(String kernelRelease) {
        int have = release(kernelRelease);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < FLAGS.size(); i++) if (have < 0 || have >= FLAG_SINCE[i]) out.add(FLAGS.get(i));
        return out;
    }

    /** major * 1000 + minor of a release string, or -1. */
    static int release(String r) {
        if (r == null) return -1;
        int dot = r.indexOf('.');
        if (dot <= 0) return -1;
        int end = dot + 1;
        while (end < r.length() && Character.isDigit(r.charAt(end))) end++;
        try {
            return Integer.parseInt(r.substring(0, dot)) * 1000 + Integer.parseInt(r.substring(dot + 1, end));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Architectures with a syscall table here (the others are accepted, with a warning, and get the bad-arch action). */
    public static List<String> archs() {
        List<String> out = new ArrayList<>();
        for (Arch a : Arch.values()) if (a.hasTable()) out.add(a.ociName);
        return out;
    }
}
