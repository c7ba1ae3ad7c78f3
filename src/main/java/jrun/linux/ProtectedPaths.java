package jrun.linux;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import jrun.JrunException;
import jrun.spec.ConfigTree;

/**
 * {@code linux.maskedPaths} and {@code linux.readonlyPaths}, checked for the plan: absolute (the
 * spec requires it), normalized, duplicates dropped keeping the first. What the helper does with
 * them, as runc: a masked file gets /dev/null bound over it, a masked directory a read-only
 * tmpfs; a read-only path is bind-mounted onto itself and remounted read-only; a path that does
 * not exist in the container is skipped.
 */
public final class ProtectedPaths {
    private ProtectedPaths() {}

    public record Lists(List<String> masked, List<String> readonly) {}

    public static Lists of(Map<String, Object> linux, String path) {
        if (linux == null) return new Lists(List.of(), List.of());
        return new Lists(list(linux, "maskedPaths", path), list(linux, "readonlyPaths", path));
    }

    private static List<String> list(Map<String, Object> linux, String key, String path) {
        Object v = linux.get(key);
        if (v == null) return List.of();
        if (!(v instanceof List<?> l)) throw ConfigTree.typeError(path + "." + key, "an array", v);
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (int i = 0; i < l.size(); i++) {
            Object x = l.get(i);
            String p = x instanceof String str ? str : ConfigTree.string(x, path + "." + key + "[" + i + "]");
            String n = p.startsWith("/") ? ConfigTree.normalizeDestination(p) : null;
            if (n == null || n.equals("/")) { // the path, built only for an error
                String at = path + "." + key + "[" + i + "]";
                if (n == null) throw new JrunException(at + ": must be an absolute path, not \"" + p + "\"");
                throw new JrunException(at + ": cannot be the container's root");
            }
            out.add(n);
        }
        return new ArrayList<>(out);
    }
}
