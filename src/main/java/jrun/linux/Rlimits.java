package jrun.linux;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jrun.JrunException;
import jrun.spec.ConfigTree;
import jrun.spec.JsonNumber;

/**
 * {@code process.rlimits} to setrlimit(2) arguments. Numbers are asm-generic/resource.h's, which
 * x86 and arm64 use (mips, sparc and alpha differ and are not supported). runc refuses an
 * unknown type; so does this, naming the entry. soft > hard is refused too (setrlimit: EINVAL).
 */
public final class Rlimits {
    private Rlimits() {}

    private static final List<String> NAMES = List.of("RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK",
            "RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS",
            "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME");

    /** One setrlimit: resource number, soft and hard as unsigned 64-bit (-1 = RLIM_INFINITY). */
    public record Rlimit(int resource, long soft, long hard) {}

    public static int number(String name) {
        return NAMES.indexOf(name);
    }

    public static List<Rlimit> parse(List<Object> rlimits, String path) {
        List<Rlimit> out = new ArrayList<>();
        if (rlimits == null) return out;
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < rlimits.size(); i++) {
            String at = path + "[" + i + "]";
            Map<String, Object> r = ConfigTree.object(rlimits.get(i), at);
            String type = ConfigTree.string(r.get("type"), at + ".type");
            int n = number(type);
            if (n < 0) throw new JrunException(at + ".type: unknown rlimit \"" + type + "\"");
            if (!seen.add(type)) throw new JrunException(at + ".type: " + type + " is given twice");
            long soft = u64(r.get("soft"), at + ".soft"), hard = u64(r.get("hard"), at + ".hard");
            if (Long.compareUnsigned(soft, hard) > 0) {
                throw new JrunException(at + ": soft limit " + Long.toUnsignedString(soft) + " is above the hard limit " + Long.toUnsignedString(hard));
            }
            out.add(new Rlimit(n, soft, hard));
        }
        return out;
    }

    private static long u64(Object v, String at) {
        if (!(v instanceof JsonNumber n) || !n.isInteger()) throw ConfigTree.typeError(at, "an unsigned 64-bit integer", v);
        BigInteger b = n.bigInteger();
        if (b.signum() < 0 || b.bitLength() > 64) throw new JrunException(at + ": expected an unsigned 64-bit integer, found " + n.text());
        return b.longValue();
    }
}
