package jrun.rules;

import java.util.List;
import java.util.Map;

import jrun.spec.ConfigTree;

/**
 * Forces a whole seccomp profile (profile != null), or adds syscall rules to linux.seccomp.syscalls
 * (prepended by default, so they win over the profile's broader rules in runc's first-match
 * order). Adding rules to a config with no profile creates one with defaultAction SCMP_ACT_ALLOW.
 */
public record SeccompEdit(Map<String, Object> profile, List<Object> syscalls, boolean prepend) implements KeepsMountsEdit {

    @Override
    public boolean apply(Map<String, Object> config, Context ctx) {
        Map<String, Object> linux = ConfigTree.objectAt(config, "linux", "linux");
        if (profile != null) {
            if (Trees.equal(linux.get("seccomp"), profile)) return false;
            linux.put("seccomp", Trees.copy(profile));
            return true;
        }
        Map<String, Object> seccomp = ConfigTree.optObject(linux, "seccomp", "linux.seccomp");
        if (seccomp == null) {
            seccomp = new java.util.LinkedHashMap<>();
            seccomp.put("defaultAction", "SCMP_ACT_ALLOW");
            linux.put("seccomp", seccomp);
        }
        List<Object> l = ConfigTree.arrayAt(seccomp, "syscalls", "linux.seccomp.syscalls");
        boolean changed = false;
        int at = 0;
        for (Object s : syscalls) {
            if (Trees.contains(l, s)) continue;
            l.add(prepend ? at++ : l.size(), Trees.copy(s));
            changed = true;
        }
        return changed;
    }

    @Override
    public String describe() {
        return profile != null ? "set seccomp profile (defaultAction " + profile.get("defaultAction") + ")"
                : (prepend ? "prepend " : "append ") + syscalls.size() + " seccomp syscall rule(s)";
    }
}
