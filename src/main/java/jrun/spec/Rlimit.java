package jrun.spec;

import java.util.List;

import jrun.JrunException;

/** process.rlimits[]: type is an RLIMIT_* name, mapped to its Linux number. */
public record Rlimit(String type, int resource, long hard, long soft) {
    static final List<String> NAMES = List.of("RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK",
            "RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS",
            "RLIMIT_LOCKS", "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME");

    static Rlimit from(Fields f) {
        String type = f.str("type");
        int resource = NAMES.indexOf(type);
        if (resource < 0) throw new JrunException(f.path("type") + ": unknown rlimit \"" + type + "\"");
        return new Rlimit(type, resource, f.unsigned64("hard"), f.unsigned64("soft"));
    }
}
