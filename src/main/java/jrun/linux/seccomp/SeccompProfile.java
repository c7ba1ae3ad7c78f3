package jrun.linux.seccomp;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jrun.JrunException;
import jrun.spec.ConfigTree;
import jrun.spec.JsonNumber;

/**
 * A {@code linux.seccomp} object checked and typed, with every error naming its JSON path. The
 * rules follow runc 1.1 (libcontainer/seccomp): SCMP_ACT_KILL means kill-thread, errnoRet
 * defaults to EPERM for ERRNO and TRACE, NOTIFY may not be the default action nor apply to
 * write(2), and several conditions on the same argument make one rule per condition.
 */
record SeccompProfile(int defaultAction, Integer defaultErrnoRet, List<String> architectures, long flags, List<Rule> rules,
        String listenerPath, String listenerMetadata) {

    static final int EPERM = 1, ENOSYS = 38;
    static final int RET_KILL_PROCESS = 0x80000000, RET_KILL_THREAD = 0, RET_TRAP = 0x00030000,
            RET_ERRNO = 0x00050000, RET_USER_NOTIF = 0x7fc00000, RET_TRACE = 0x7ff00000, RET_LOG = 0x7ffc0000,
            RET_ALLOW = 0x7fff0000;

    enum Op { NE, LT, LE, EQ, GE, GT, MASKED_EQ }

    record Cond(int index, Op op, long value, long valueTwo) {}

    /** One rule: names it applies to, its return value, and conditions that must all hold. */
    record Rule(List<String> names, int action, List<Cond> conds, String path) {}

    static SeccompProfile parse(Map<String, Object> s, String path) {
        Object da = s.get("defaultAction");
        if (da == null) throw new JrunException(path + ".defaultAction: required");
        Integer defErrno = optU16(s, "defaultErrnoRet", path);
        int defaultAction = action(ConfigTree.string(da, path + ".defaultAction"), defErrno,
                path + ".defaultAction", path + ".defaultErrnoRet");
        if (defaultAction == RET_USER_NOTIF) {
            throw new JrunException(path + ".defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
        }
        List<String> arches = new ArrayList<>();
        List<Object> al = ConfigTree.optArray(s, "architectures", path + ".architectures");
        if (al != null) for (int i = 0; i < al.size(); i++) {
            arches.add(ConfigTree.string(al.get(i), path + ".architectures[" + i + "]"));
        }
        long flags = 0;
        List<Object> fl = ConfigTree.optArray(s, "flags", path + ".flags");
        if (fl != null) for (int i = 0; i < fl.size(); i++) {
            String at = path + ".flags[" + i + "]";
            flags |= switch (ConfigTree.string(fl.get(i), at)) {
                case "SECCOMP_FILTER_FLAG_TSYNC" -> 0; // single-threaded helper: nothing to sync (runc ignores it too)
                case "SECCOMP_FILTER_FLAG_LOG" -> SeccompProgram.FLAG_LOG;
                case "SECCOMP_FILTER_FLAG_SPEC_ALLOW" -> SeccompProgram.FLAG_SPEC_ALLOW;
                case "SECCOMP_FILTER_FLAG_NEW_LISTENER" -> SeccompProgram.FLAG_NEW_LISTENER;
                case "SECCOMP_FILTER_FLAG_TSYNC_ESRCH" -> SeccompProgram.FLAG_TSYNC_ESRCH;
                case "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV" -> SeccompProgram.FLAG_WAIT_KILLABLE_RECV;
                default -> throw new JrunException(at + ": unknown seccomp flag \"" + fl.get(i) + "\"");
            };
        }
        List<Rule> rules = new ArrayList<>();
        List<Object> sl = ConfigTree.optArray(s, "syscalls", path + ".syscalls");
        boolean notify = false;
        if (sl != null) for (int i = 0; i < sl.size(); i++) {
            String at = path + ".syscalls[" + i + "]";
            Map<String, Object> r = ConfigTree.object(sl.get(i), at);
            List<Object> nl = ConfigTree.optArray(r, "names", at + ".names");
            if (nl == null || nl.isEmpty()) throw new JrunException(at + ".names: required, at least one syscall name");
            List<String> names = new ArrayList<>();
            for (int j = 0; j < nl.size(); j++) { // the path is built only on error: this loop runs ~350 times per create
                if (!(nl.get(j) instanceof String n) || n.isEmpty()) {
                    String n = ConfigTree.string(nl.get(j), at + ".names[" + j + "]");
                    throw new JrunException(at + ".names[" + j + "]: empty syscall name");
                }
                names.add(n);
            }
            Object ra = r.get("action");
            if (ra == null) throw new JrunException(at + ".action: required");
            int act = action(ConfigTree.string(ra, at + ".action"), optU16(r, "errnoRet", at), at + ".action", at + ".errnoRet");
            if (act == RET_USER_NOTIF) {
                notify = true;
                if (names.contains("write")) {
                    throw new JrunException(at + ": SCMP_ACT_NOTIFY cannot be used for the write syscall");
                }
            }
            List<Cond> conds = new ArrayList<>();
            List<Object> args = ConfigTree.optArray(r, "args", at + ".args");
            if (args != null) for (int j = 0; j < args.size(); j++) conds.add(cond(args.get(j), at + ".args[" + j + "]"));
            boolean sameArgTwice = false;
            int seen = 0;
            for (Cond c : conds) {
                sameArgTwice |= (seen & 1 << c.index()) != 0;
                seen |= 1 << c.index();
            }
            if (sameArgTwice) {
                for (Cond c : conds) rules.add(new Rule(List.copyOf(names), act, List.of(c), at)); // as runc: OR
            } else {
                rules.add(new Rule(List.copyOf(names), act, List.copyOf(conds), at));
            }
        }
        if (notify) flags |= SeccompProgram.FLAG_NEW_LISTENER;
        String listener = optString(s, "listenerPath", path);
        String metadata = optString(s, "listenerMetadata", path);
        if (notify && (listener == null || listener.isEmpty())) {
            throw new JrunException(path + ".listenerPath: required when a rule uses SCMP_ACT_NOTIFY");
        }
        if ((flags & SeccompProgram.FLAG_WAIT_KILLABLE_RECV) != 0 && !notify) {
            throw new JrunException(path + ".flags: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV needs a SCMP_ACT_NOTIFY rule");
        }
        return new SeccompProfile(defaultAction, defErrno, List.copyOf(arches), flags, List.copyOf(rules), listener, metadata);
    }

    private static int action(String name, Integer errno, String path, String errnoPath) {
        int ret = switch (name) {
            case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD" -> RET_KILL_THREAD;
            case "SCMP_ACT_KILL_PROCESS" -> RET_KILL_PROCESS;
            case "SCMP_ACT_TRAP" -> RET_TRAP;
            case "SCMP_ACT_ERRNO" -> RET_ERRNO | (errno == null ? EPERM : errno);
            case "SCMP_ACT_TRACE" -> RET_TRACE | (errno == null ? EPERM : errno);
            case "SCMP_ACT_ALLOW" -> RET_ALLOW;
            case "SCMP_ACT_LOG" -> RET_LOG;
            case "SCMP_ACT_NOTIFY" -> RET_USER_NOTIF;
            default -> throw new JrunException(path + ": unknown seccomp action \"" + name + "\"");
        };
        if (errno != null && !name.equals("SCMP_ACT_ERRNO") && !name.equals("SCMP_ACT_TRACE")) {
            throw new JrunException(errnoPath + ": only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno, not " + name);
        }
        return ret;
    }

    private static Cond cond(Object o, String at) {
        Map<String, Object> a = ConfigTree.object(o, at);
        Object idx = a.get("index");
        if (idx == null) throw new JrunException(at + ".index: required");
        long index = u64(idx, at + ".index");
        if (index > 5) throw new JrunException(at + ".index: syscalls have arguments 0 to 5, not " + Long.toUnsignedString(index));
        Object op = a.get("op");
        if (op == null) throw new JrunException(at + ".op: required");
        String ops = ConfigTree.string(op, at + ".op");
        Op parsed = switch (ops) {
            case "SCMP_CMP_NE" -> Op.NE;
            case "SCMP_CMP_LT" -> Op.LT;
            case "SCMP_CMP_LE" -> Op.LE;
            case "SCMP_CMP_EQ" -> Op.EQ;
            case "SCMP_CMP_GE" -> Op.GE;
            case "SCMP_CMP_GT" -> Op.GT;
            case "SCMP_CMP_MASKED_EQ" -> Op.MASKED_EQ;
            default -> throw new JrunException(at + ".op: unknown operator \"" + ops + "\"");
        };
        long value = a.get("value") == null ? 0 : u64(a.get("value"), at + ".value");
        long two = a.get("valueTwo") == null ? 0 : u64(a.get("valueTwo"), at + ".valueTwo");
        return new Cond((int) index, parsed, value, two);
    }

    private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    static long u64(Object v, String at) {
        if (!(v instanceof JsonNumber n)) throw ConfigTree.typeError(at, "an unsigned 64-bit integer", v);
        BigInteger b;
        try {
            b = new BigInteger(n.text());
        } catch (NumberFormatException e) {
            throw new JrunException(at + ": expected an unsigned 64-bit integer, found " + n);
        }
        if (b.signum() < 0 || b.compareTo(U64_MAX) > 0) {
            throw new JrunException(at + ": expected an unsigned 64-bit integer, found " + n);
        }
        return b.longValue();
    }

    private static Integer optU16(Map<String, Object> m, String key, String path) {
        Object v = m.get(key);
        if (v == null) return null;
        long n = u64(v, path + "." + key);
        if (n > 0xffff) throw new JrunException(path + "." + key + ": an errno is at most 65535, not " + Long.toUnsignedString(n));
        return (int) n;
    }

    private static String optString(Map<String, Object> m, String key, String path) {
        Object v = m.get(key);
        return v == null ? null : ConfigTree.string(v, path + "." + key);
    }
}
