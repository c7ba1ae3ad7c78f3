package jrun.cli;

import java.util.ArrayList;
import java.util.List;

import jrun.JrunException;

/**
 * The help pages of jrun, its commands, oci-interceptor and run_oci, made from their
 * descriptions (Args), the same ones the parsers read. Loaded only when help is asked for: none
 * of this is on the path of create, start, exec or state.
 */
public final class Help {
    private Help() {}

    static final int WIDTH = 80;

    /** jrun's page: its description, its commands and its global flags. Exit status 0. */
    static int program() {
        jrun.Invocation.current().out().print(page(null, JrunMain.SPEC, jrunCommands()));
        return 0;
    }

    /** `jrun help [COMMAND]`, and `jrun COMMAND --help`. */
    static int topic(List<String> args) {
        if (args.isEmpty()) return program();
        if (args.size() > 1) throw JrunException.usage("help: expects at most one command, got " + args.size());
        String name = args.get(0);
        if (name.equals("help") || name.equals("h")) {
            jrun.Invocation.current().out().print(page("jrun", HELP, null));
            return 0;
        }
        Command c = JrunMain.command(name);
        if (c == null) throw JrunException.usage("help: unknown command \"" + name + "\" (see jrun --help)");
        jrun.Invocation.current().out().print(page("jrun", c.spec(), null));
        return 0;
    }

    /** The help command's own description, for its page and the command list. */
    static final String[] HELP = {"help", "[COMMAND]", "print the help of jrun, or of one command",
            """
            Prints jrun's help, or that of COMMAND ("jrun COMMAND --help" does the same). "h" is short \
            for help."""};

    /** {name, summary} of every jrun command, in JrunMain.COMMANDS's order, then help. */
    static List<String[]> jrunCommands() {
        List<String[]> out = new ArrayList<>();
        for (String n : JrunMain.COMMANDS) out.add(new String[] {n, JrunMain.command(n).spec()[2]});
        out.add(new String[] {HELP[0], HELP[2]});
        return out;
    }

    /**
     * A help page: "NAME - SUMMARY", the usage line, the description, the commands (a program
     * with commands), then the flags. parent: the program a command belongs to ("jrun"), or null.
     */
    public static String page(String parent, String[] spec, List<String[]> commands) {
        String name = parent == null ? spec[0] : parent + " " + spec[0];
        StringBuilder sb = new StringBuilder();
        sb.append(name).append(" - ").append(spec[2]).append("\n\n");
        sb.append("Usage: ").append(name).append(spec[1].isEmpty() ? "" : " " + spec[1]).append("\n");
        for (String[] p : paragraphs(spec[3])) {
            sb.append('\n');
            if (p[0] != null) sb.append(p[1]).append('\n');
            else wrap(sb, "", p[1], "", WIDTH);
        }
        if (commands != null) {
            sb.append("\nCommands:\n");
            int w = 0;
            for (String[] c : commands) w = Math.max(w, c[0].length());
            for (String[] c : commands) wrap(sb, "  " + pad(c[0], w + 2), c[1], " ".repeat(w + 4), WIDTH);
        }
        if (spec.length > Args.HEAD) {
            sb.append(commands != null ? "\nGlobal flags:\n" : "\nFlags:\n");
            List<String> names = new ArrayList<>();
            int w = 0;
            for (int i = Args.HEAD; i < spec.length; i += 3) {
                String n = flagNames(spec, i);
                names.add(n);
                w = Math.max(w, n.length());
            }
            w = Math.min(w, 26);
            for (int i = Args.HEAD, k = 0; i < spec.length; i += 3, k++) {
                String n = names.get(k);
                if (n.length() > w) {
                    sb.append("  ").append(n).append('\n');
                    wrap(sb, " ".repeat(w + 4), spec[i + 2], " ".repeat(w + 4), WIDTH);
                } else {
                    wrap(sb, "  " + pad(n, w + 2), spec[i + 2], " ".repeat(w + 4), WIDTH);
                }
            }
        }
        if (parent == null && commands != null) {
            sb.append('\n');
            wrap(sb, "", "Run \"" + spec[0] + " help COMMAND\" for the flags of a command, \"man " + spec[0] + "-COMMAND\" for its manual.", "", WIDTH);
        }
        return sb.toString();
    }

    /** "--bundle, -b DIR": a flag's spellings and its value's name. */
    static String flagNames(String[] spec, int i) {
        String n = spec[i].replace(" ", ", ");
        return spec[i + 1].isEmpty() ? n : n + " " + spec[i + 1];
    }

    /**
     * A description's paragraphs, as {null, text} (to be filled) or {"", text} (shown as written:
     * every line starts with two spaces).
     */
    static List<String[]> paragraphs(String description) {
        List<String[]> out = new ArrayList<>();
        for (String p : description.strip().split("\n\\s*\n")) {
            if (p.isBlank()) continue;
            boolean literal = true;
            for (String line : p.split("\n")) if (!line.startsWith("  ")) literal = false;
            out.add(literal ? new String[] {"", p.stripTrailing()} : new String[] {null, p.strip().replaceAll("\\s+", " ")});
        }
        return out;
    }

    /** Appends prefix, then text's words filled to width; lines after the first start with indent. */
    static void wrap(StringBuilder sb, String prefix, String text, String indent, int width) {
        int lineStart = sb.length();
        sb.append(prefix);
        boolean first = true;
        for (String word : text.split(" ")) {
            if (word.isEmpty()) continue;
            if (!first && sb.length() - lineStart + 1 + word.length() > width) {
                sb.append('\n');
                lineStart = sb.length();
                sb.append(indent);
                first = true;
            }
            if (!first) sb.append(' ');
            sb.append(word);
            first = false;
        }
        sb.append('\n');
    }

    private static String pad(String s, int w) {
        return s.length() >= w ? s + " " : s + " ".repeat(w - s.length());
    }
}
