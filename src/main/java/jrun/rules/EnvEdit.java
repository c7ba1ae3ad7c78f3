package jrun.rules;

import java.util.List;
import java.util.Map;

import jrun.JrunException;
import jrun.spec.ConfigTree;

/** Sets, defaults or removes one variable in process.env (created when missing). */
public record EnvEdit(Mode mode, String name, String value) implements KeepsMountsEdit {
    public enum Mode {
        /** add only when the name is absent */
        DEFAULT,
        /** replace the first entry of that name, or add it */
        FORCE,
        /** remove every entry of that name */
        REMOVE
    }

    /** Parses "NAME=VALUE" (the value may be empty or contain '='); names the flag on error. */
    public static EnvEdit parse(Mode mode, String assignment, String flag) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw JrunException.usage(flag + " " + assignment + ": expected NAME=VALUE");
        }
        return new EnvEdit(mode, assignment.substring(0, eq), assignment.substring(eq + 1));
    }

    @Override
    public boolean apply(Map<String, Object> config, Context ctx) {
        Map<String, Object> process = ConfigTree.objectAt(config, "process", "process");
        List<Object> env = ConfigTree.optArray(process, "env", "process.env");
        int found = -1;
        if (env != null) {
            for (int i = 0; i < env.size(); i++) {
                String e = ConfigTree.string(env.get(i), "process.env[" + i + "]");
                int eq = e.indexOf('=');
                String n = eq < 0 ? e : e.substring(0, eq);
                if (n.equals(name)) {
                    found = i;
                    break;
                }
            }
        }
        String entry = name + "=" + value;
        switch (mode) {
            case DEFAULT -> {
                if (found >= 0) return false;
            }
            case FORCE -> {
                if (found >= 0) {
                    if (entry.equals(env.get(found))) return false;
                    env.set(found, entry);
                    return true;
                }
            }
            case REMOVE -> {
                if (found < 0) return false;
                env.removeIf(e -> e instanceof String s && (s.equals(name) || s.startsWith(name + "=")));
                return true;
            }
        }
        ConfigTree.arrayAt(process, "env", "process.env").add(entry);
        return true;
    }

    @Override
    public String describe() {
        return "env " + mode.name().toLowerCase(java.util.Locale.ROOT) + " " + name + (mode == Mode.REMOVE ? "" : "=" + value);
    }
}
