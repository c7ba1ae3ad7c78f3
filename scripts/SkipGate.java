import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The test run as a gate: counts the tests Surefire and Failsafe skipped, lists them, and fails
 * (exit 1) when one is not on the allowlist under the host shape it names. Run by `./build.sh test`:
 *
 *   java scripts/SkipGate.java ALLOWLIST REPORT_DIR...
 *
 * ALLOWLIST lines are "CLASS#METHOD WHEN REASON" (see src/test/resources/allowed-skips.txt);
 * REPORT_DIR holds Surefire's TEST-*.xml reports, where a skipped test is a testcase with a
 * skipped element. A report that cannot be parsed fails the gate too.
 */
public final class SkipGate {
    record Allowed(String test, String when, String reason) {
        boolean covers(String cls, String name) {
            int hash = test.indexOf('#');
            if (!test.substring(0, hash).equals(cls)) return false;
            String method = test.substring(hash + 1);
            if (method.equals("*")) return true;
            // JUnit's names carry parameters and an index: "m(Path)", "m(String)[2]"
            int end = name.length();
            for (char c : new char[] {'(', '['}) if (name.indexOf(c) >= 0) end = Math.min(end, name.indexOf(c));
            return name.substring(0, end).equals(method);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: java scripts/SkipGate.java ALLOWLIST REPORT_DIR...");
            System.exit(2);
        }
        List<Allowed> allowed = allowlist(Path.of(args[0]));
        int tests = 0, bad = 0;
        List<String> lines = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            Path dir = Path.of(args[i]);
            if (!Files.isDirectory(dir)) continue; // e.g. no integration tests were run
            List<Path> reports;
            try (Stream<Path> s = Files.list(dir)) {
                reports = s.filter(p -> p.getFileName().toString().matches("TEST-.*\\.xml")).sorted().toList();
            }
            for (Path report : reports) {
                NodeList cases;
                try {
                    cases = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile()).getElementsByTagName("testcase");
                } catch (Exception e) {
                    lines.add("  unreadable report " + report + ": " + e.getMessage());
                    bad++;
                    continue;
                }
                for (int k = 0; k < cases.getLength(); k++) {
                    Element c = (Element) cases.item(k);
                    tests++;
                    NodeList skipped = c.getElementsByTagName("skipped");
                    if (skipped.getLength() == 0) continue;
                    String cls = c.getAttribute("classname"), name = c.getAttribute("name");
                    String why = ((Element) skipped.item(0)).getAttribute("message");
                    Allowed a = allowed.stream().filter(x -> x.covers(cls, name)).findFirst().orElse(null);
                    String verdict;
                    if (a == null) verdict = "NOT ALLOWED: not in " + args[0];
                    else if (!holds(a.when())) verdict = "NOT ALLOWED: listed for " + a.when() + " hosts, and this host is not one";
                    else verdict = "allowed (" + a.when() + ": " + a.reason() + ")";
                    if (!verdict.startsWith("allowed")) bad++;
                    lines.add("  skipped " + cls + "#" + name + ": " + (why.isEmpty() ? "(no reason given)" : why) + " -- " + verdict);
                }
            }
        }
        long skipped = lines.stream().filter(l -> l.startsWith("  skipped ")).count();
        System.out.println("tests: " + tests + " run, " + skipped + " skipped");
        lines.forEach(System.out::println);
        if (bad > 0) {
            System.out.println("FAILED: " + bad + " skip(s) not on the allowlist (a missing prerequisite is a failure; install it, see .ci/run)");
            System.exit(1);
        }
    }

    static List<Allowed> allowlist(Path file) throws IOException {
        List<Allowed> l = new ArrayList<>();
        int n = 0;
        for (String line : Files.readAllLines(file)) {
            n++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) continue;
            String[] f = t.split("\\s+", 3);
            if (f.length < 3 || f[0].indexOf('#') <= 0 || f[0].endsWith("#")) {
                throw new IllegalArgumentException(file + ":" + n + ": expected CLASS#METHOD WHEN REASON, got: " + line);
            }
            holds(f[1]); // an unknown WHEN is an error in the list, whatever the host
            l.add(new Allowed(f[0], f[1], f[2]));
        }
        return l;
    }

    /** Where the host's cgroups are mounted; -Dskipgate.cgroup=DIR lets SkipGateTest fake a host of another shape. */
    static final Path CGROUP = Path.of(System.getProperty("skipgate.cgroup", "/sys/fs/cgroup"));

    /** Whether this host has the shape WHEN names. */
    static boolean holds(String when) {
        return switch (when) {
            // the cgroup2 root has cgroup.controllers; a hybrid or v1 host has a tmpfs there
            case "cgroup2-only" -> Files.exists(CGROUP.resolve("cgroup.controllers"));
            default -> throw new IllegalArgumentException("unknown host shape in the allowlist: " + when);
        };
    }
}
