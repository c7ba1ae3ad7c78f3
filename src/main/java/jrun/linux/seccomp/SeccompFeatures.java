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
    public static final List<String> FLAGS = List.of("SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
            "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_NEW_LISTENER", "SECCOMP_FILTER_FLAG_TSYNC_ESRCH",
            "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");

    /** Architectures with a syscall table here (the others are accepted, with a warning, and get the bad-arch action). */
    public static List<String> archs() {
        List<String> out = new ArrayList<>();
        for (Arch a : Arch.values()) if (a.hasTable()) out.add(a.ociName);
        return out;
    }
}
