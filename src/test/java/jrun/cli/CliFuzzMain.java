package jrun.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jrun.spec.Json;

/**
 * The command line fuzzed (jrun.fuzz.FuzzTest): argument lists built from every command's own
 * description (its flags in each spelling, with and without values, values from a pool of odd
 * strings), run through JrunMain.run in this JVM, which the test starts in a private directory:
 * relative paths land there, and the only absolute paths given are in it, /dev/null and a missing
 * one. Commands that would make something outside it (engine, spec) are left out, and --root is
 * always a directory of its own with no container, so no command finds anything to act on.
 * A crash: exit status 70 (jrun's "internal error"), a stack trace or an exception's name without
 * --debug, a refusal without a line that starts with "jrun: " (a warning, or a --log that cannot be written, may add one), or a call taking over 10 s.
 *
 * Usage: fuzz SEED SECONDS | replay FILE... (each file a JSON array of arguments). Prints one
 * summary line; on a crash "CRASH" then the arguments as a JSON array, then what went wrong, and
 * exits 1.
 */
public final class CliFuzzMain {
    private CliFuzzMain() {}

    public record Outcome(int status, String output) {
        /** The failing arguments (the line after CRASH), or "". */
        public String failingArgv() {
            String[] l = output.split("\n");
            for (int i = 0; i + 1 < l.length; i++) if (l[i].equals("CRASH")) return l[i + 1];
            return "";
        }
    }

    /** Runs this class in a new JVM whose working directory is dir, with the test's classpath. */
    public static Outcome fork(Path dir, List<String> args) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx512m", "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED", "-cp", cp));
        for (String p : List.of("jrun.home", "jrun.lib")) if (System.getProperty(p) != null) cmd.add("-D" + p + "=" + System.getProperty(p));
        cmd.add(CliFuzzMain.class.getName());
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
        return new Outcome(p.waitFor(), out);
    }

    private static final List<String> COMMANDS = new ArrayList<>(List.of(JrunMain.COMMANDS));
    static {
        COMMANDS.removeAll(List.of("engine", "spec"));
    }

    private static Path dir;

    private static List<String> values() {
        return List.of("", "-", "--", "-1", "0", "1", "2", "9", "15", "99999999999999999999", "-9223372036854775809", "1.5", "0x10", "1e3",
                "KILL", "SIGKILL", "sigterm", "TERM", "RTMIN+3", "SIGRTMAX-1", "65", "abc", "a b", "x=y", "=", "A=", "=x", "../x", "..", ".",
                "./", "a/b", "id", "c1", "json", "text", "table", "true", "false", "auto", "1k", "1m", "1g", "-100", "max", "1:2", "0-1",
                "\u00fc", "\ud83d\ude00", "\t", "a\nb", " ", "x".repeat(5000), "-x", "--bogus", "--help", "-h", "--version", "--root",
                "/dev/null", "/nonexistent/x", dir.toString(), dir.resolve("root").toString(), dir.resolve("f").toString());
    }

    public static void main(String[] argv) throws Exception {
        dir = Path.of("").toAbsolutePath();
        System.setIn(new ByteArrayInputStream(new byte[0]));
        PrintStream report = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz");
            t.setDaemon(true);
            return t;
        });
        int n = 0;
        if (argv[0].equals("replay")) {
            for (int i = 1; i < argv.length; i++, n++) {
                List<String> args = new ArrayList<>();
                for (Object o : (List<?>) Json.parse(Files.readString(Path.of(argv[i])))) args.add((String) o);
                String why = once(runner, args, out, err);
                if (why != null) crash(report, args, argv[i] + ": " + why);
            }
            report.println("cli: " + n + " cases replayed");
        } else {
            long seed = Long.parseLong(argv[1]);
            Random r = new Random(seed);
            long end = System.nanoTime() + (long) (Double.parseDouble(argv[2]) * 1e9);
            for (; System.nanoTime() < end; n++) {
                List<String> args = generate(r);
                String why = once(runner, args, out, err);
                if (why != null) crash(report, args, "seed " + seed + ", input " + n + ": " + why);
            }
            report.println("fuzz cli: " + n + " argument lists, seed " + seed);
        }
        report.flush();
        Runtime.getRuntime().halt(0);
    }

    private static void crash(PrintStream report, List<String> args, String why) {
        report.println("CRASH");
        report.println(Json.write(new ArrayList<Object>(args)));
        report.println(why);
        report.flush();
        Runtime.getRuntime().halt(1);
    }

    /** Runs one argument list; null if it ended well, else what went wrong. */
    static String once(ExecutorService runner, List<String> args, ByteArrayOutputStream out, ByteArrayOutputStream err) throws Exception {
        out.reset();
        err.reset();
        List<String> full = new ArrayList<>(List.of("--root", dir.resolve("root").toString()));
        full.addAll(args);
        Future<Integer> f = runner.submit(() -> JrunMain.run(full));
        int status;
        try {
            status = f.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return "no answer in 10 s";
        } catch (java.util.concurrent.ExecutionException e) {
            java.io.StringWriter w = new java.io.StringWriter();
            e.getCause().printStackTrace(new java.io.PrintWriter(w));
            return "thrown out of JrunMain.run: " + w;
        }
        String e = err.toString(StandardCharsets.UTF_8);
        boolean debug = args.stream().anyMatch(a -> a.matches("--?debug(=.*)?"));
        if (status == 70) return "exit status 70 (internal error): " + e;
        if (!debug && (e.contains("\tat ") || e.contains("Exception") || e.contains("Error:"))) return "a stack trace or an exception's name without --debug: " + e;
        if (status != 0 && !debug) {
            if (!("\n" + e).contains("\njrun: ")) return "exit status " + status + " without a \"jrun: \" line: " + e;
        }
        return null;
    }

    /** An argument list: global flags, a command (or a word), its flags and words, sometimes shuffled. */
    static List<String> generate(Random r) {
        List<String> values = values();
        List<String> a = new ArrayList<>();
        for (int i = r.nextInt(3); i > 0; i--) flag(r, JrunMain.SPEC, values, a);
        String name = r.nextInt(20) == 0 ? values.get(r.nextInt(values.size())) : COMMANDS.get(r.nextInt(COMMANDS.size()));
        if (r.nextInt(15) == 0) a.add("help");
        a.add(name);
        Command c = JrunMain.command(name);
        if (c != null) for (int i = r.nextInt(5); i > 0; i--) flag(r, c.spec(), values, a);
        for (int i = r.nextInt(4); i > 0; i--) a.add(r.nextBoolean() ? "c1" : values.get(r.nextInt(values.size())));
        if (r.nextInt(10) == 0 && a.size() > 1) java.util.Collections.swap(a, r.nextInt(a.size()), r.nextInt(a.size()));
        if (r.nextInt(10) == 0 && !a.isEmpty()) a.remove(r.nextInt(a.size()));
        return a;
    }

    private static void flag(Random r, String[] spec, List<String> values, List<String> a) {
        int flags = (spec.length - Args.HEAD) / 3;
        if (flags == 0) return;
        int i = Args.HEAD + 3 * r.nextInt(flags);
        String[] names = spec[i].split(" ");
        String n = names[r.nextInt(names.length)];
        if (r.nextInt(6) == 0 && n.startsWith("--")) n = n.substring(1); // runc's one-dash spelling
        if (n.equals("--debug") && r.nextInt(4) != 0) n = "--version"; // --debug turns the checks off: rarely
        String v = values.get(r.nextInt(values.size()));
        boolean takes = !spec[i + 1].isEmpty();
        switch (r.nextInt(takes ? 6 : 8)) {
            case 0 -> a.add(n + "=" + v);
            case 1 -> a.add(n); // a value left out (or taken from the next word)
            default -> {
                a.add(n);
                if (takes) a.add(v);
            }
        }
    }
}
