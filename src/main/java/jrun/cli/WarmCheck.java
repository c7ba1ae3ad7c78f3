package jrun.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the engine asks before it accepts a create, run or exec (docs/engine.md): once it has
 * accepted, the client's helper is used and the command cannot go back to the cold path. So what
 * needs the caller's own process is found first, from the command line and the config alone:
 * hooks (they run in the caller's process, as runc runs them), rules flags, and the pty relay of
 * a foreground run or exec with a terminal and no console socket. A bad command line or config is
 * no reason: the warm command reports it as the cold one would. Runs with the request's
 * jrun.Invocation bound (its cwd and environment).
 */
public final class WarmCheck {
    private WarmCheck() {}

    /** Why argv must run cold, or null when the engine may run it. */
    public static String coldReason(List<String> argv) {
        try {
            return reason(argv);
        } catch (RuntimeException | java.io.IOException e) {
            return null; // the warm command reports it
        }
    }

    private static String reason(List<String> argv) throws java.io.IOException {
        int i = 0;
        boolean rules = false;
        for (; i < argv.size(); i++) {
            String a = argv.get(i);
            if (a.length() < 2 || a.charAt(0) != '-') break;
            int eq = a.indexOf('=');
            String name = eq > 0 ? a.substring(0, eq) : a;
            int f = Args.find(JrunMain.SPEC, name);
            if (f < 0) return null;
            if (Args.takesValue(JrunMain.SPEC, f) && eq < 0) i++;
            String c = Args.canonical(JrunMain.SPEC, f);
            if (c.startsWith("--oi-") || c.equals("--rules") || c.equals("--rules-write-config")) rules = true;
        }
        if (i >= argv.size()) return null;
        String command = argv.get(i);
        List<String> args = argv.subList(i + 1, argv.size());
        switch (command) {
            case "create", "run" -> {
                if (rules) return "rules flags";
                String[] bundle = {"."};
                boolean[] fg = {command.equals("run")}, console = {false};
                Args.parse(command.equals("run") ? RunCommand.SPEC : CreateCommand.SPEC, args, (n, v) -> {
                    switch (n) {
                        case "--bundle" -> bundle[0] = v;
                        case "--detach" -> fg[0] = fg[0] && !Boolean.parseBoolean(v);
                        case "--console-socket" -> console[0] = !v.isEmpty();
                        default -> { }
                    }
                });
                Map<String, Object> tree = jrun.spec.Spec.readTree(Path.of(jrun.Invocation.callers(bundle[0])));
                if (tree.get("hooks") instanceof Map<?, ?> hooks)
                    for (Object stage : hooks.values())
                        if (stage instanceof List<?> l && !l.isEmpty()) return "hooks";
                if (fg[0] && !console[0] && tree.get("process") instanceof Map<?, ?> p && Boolean.TRUE.equals(p.get("terminal")))
                    return "the pty relay of a foreground run";
                return null;
            }
            case "exec" -> {
                boolean[] fg = {true}, console = {false}, tty = {false};
                String[] process = {null};
                Args.parse(ExecCommand.SPEC, args, (n, v) -> {
                    switch (n) {
                        case "--detach" -> fg[0] = !Boolean.parseBoolean(v);
                        case "--console-socket" -> console[0] = !v.isEmpty();
                        case "--tty" -> tty[0] = Boolean.parseBoolean(v);
                        case "--process" -> process[0] = v;
                        default -> { }
                    }
                }, true);
                if (!fg[0] || console[0]) return null;
                if (process[0] == null) return tty[0] ? "the pty relay of a foreground exec" : null;
                if (process[0].equals("-")) return "a foreground exec's --process on stdin"; // terminal or not: unknown without reading it
                Path f = Path.of(jrun.Invocation.callers(process[0]));
                Object p = jrun.spec.Json.parse(java.nio.file.Files.readString(f));
                return p instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("terminal")) ? "the pty relay of a foreground exec" : null;
            }
            default -> {
                return null;
            }
        }
    }
}
