package jrun.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import jrun.JrunException;
import jrun.Version;

/**
 * Entry point of bin/jrun: runc's command line. Global flags, then one command; each command
 * class holds only its options and calls one jrun.runtime method. Errors are one line on
 * stderr (and a JSON line in --log with --log-format json); a stack trace only with --debug.
 */
public final class JrunMain {
    private JrunMain() {}

    private static final Map<String, Supplier<Command>> COMMANDS = Map.ofEntries(Map.entry("create", CreateCommand::new),
            Map.entry("start", StartCommand::new), Map.entry("state", StateCommand::new), Map.entry("kill", KillCommand::new),
            Map.entry("delete", DeleteCommand::new), Map.entry("run", RunCommand::new), Map.entry("list", ListCommand::new),
            Map.entry("spec", SpecCommand::new), Map.entry("features", FeaturesCommand::new), Map.entry("exec", ExecCommand::new),
            Map.entry("ps", PsCommand::new), Map.entry("pause", PauseCommand::new), Map.entry("resume", ResumeCommand::new),
            Map.entry("update", UpdateCommand::new), Map.entry("events", EventsCommand::new));

    static final String USAGE = """
            usage: jrun [global flags] COMMAND [flags] [ID]
            global flags: --root DIR (default /run/jrun), --log FILE, --log-format text|json, --debug,
                          --systemd-cgroup, --rootless, --version
            rules (applied in-process at create/run): --rules FILE|DIR, --oi-env K=V, --oi-env-force K=V,
                          --oi-readonly-networking-mounts, --oi-no-default-rules, --rules-write-config
            commands: create, start, state, kill, delete, run, list, spec, features, exec, ps, pause, resume,
                      update, events
            """;

    public static void main(String[] argv) {
        Exit.now(run(Arrays.asList(argv)));
    }

    static int run(List<String> argv) {
        Globals g = new Globals();
        try {
            int i = 0;
            for (; i < argv.size(); i++) {
                String a = argv.get(i);
                if (!a.startsWith("-")) break;
                String name = a, value = null;
                int eq = a.indexOf('=');
                if (eq > 0) {
                    name = a.substring(0, eq);
                    value = a.substring(eq + 1);
                }
                switch (name) {
                    case "--root", "--log", "--log-format", "--criu" -> {
                        if (value == null) {
                            if (i + 1 >= argv.size()) throw JrunException.usage("flag " + name + " needs a value");
                            value = argv.get(++i);
                        }
                        if (name.equals("--root")) g.root = value;
                        else if (name.equals("--log")) g.log = value;
                        else if (name.equals("--log-format")) {
                            if (!value.equals("text") && !value.equals("json"))
                                throw JrunException.usage("--log-format: expected text or json, got \"" + value + "\"");
                            g.jsonLog = value.equals("json");
                        }
                    }
                    case "--rules", "--oi-rules", "--oi-env", "--oi-env-force" -> { // rules in-process (Globals.rules)
                        if (value == null) {
                            if (i + 1 >= argv.size()) throw JrunException.usage("flag " + name + " needs a value");
                            value = argv.get(++i);
                        }
                        g.ruleFlags.add(name.equals("--rules") ? "--oi-rules" : name);
                        g.ruleFlags.add(value);
                    }
                    case "--oi-readonly-networking-mounts", "--oi-no-default-rules" -> g.ruleFlags.add(name);
                    case "--rules-write-config" -> g.rulesWriteConfig = true;
                    case "--debug" -> g.debug = true;
                    case "--systemd-cgroup" -> throw new JrunException(
                            "--systemd-cgroup: jrun has no systemd cgroup driver" + (Files.isDirectory(Path.of("/run/systemd/system")) ? "" : " (and this host runs no systemd)"));
                    case "--rootless" -> {
                        if (value != null && value.equals("true")) throw new JrunException("--rootless: rootless mode is not supported yet");
                    }
                    case "--version", "-v" -> {
                        System.out.println("jrun version " + Version.VERSION);
                        System.out.println("spec: " + Version.SPEC);
                        return 0;
                    }
                    case "--help", "-h" -> {
                        System.out.print(USAGE);
                        return 0;
                    }
                    default -> throw JrunException.usage("unknown global flag " + name);
                }
            }
            if (i >= argv.size()) throw JrunException.usage("no command given\n" + USAGE.strip());
            Supplier<Command> c = COMMANDS.get(argv.get(i));
            if (c == null) throw JrunException.usage("unknown command \"" + argv.get(i) + "\"");
            return c.get().run(g, argv.subList(i + 1, argv.size()));
        } catch (JrunException e) {
            report(g, e.getMessage());
            if (g.debug) e.printStackTrace();
            return e.exitCode();
        } catch (RuntimeException | Error e) {
            report(g, "internal error: " + e);
            if (g.debug) e.printStackTrace();
            return 70;
        }
    }

    private static void report(Globals g, String message) {
        ErrorLog.report("jrun", message, g.log, g.jsonLog);
        if (g.log != null && !g.jsonLog) {
            try {
                Files.writeString(Path.of(g.log), "time=\"" + OffsetDateTime.now() + "\" level=error msg=\"" + message.replace("\"", "\\\"") + "\"\n",
                        StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException ignored) {
                // stderr has it
            }
        }
    }
}
