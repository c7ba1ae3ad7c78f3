package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * docs/conformance.md's table of the conformance run is ConformanceSuiteIT's cases, one row each
 * in the same order, every failure with its reason, the counts it states are the table's, and
 * every test the page names exists. (ConformanceSuiteIT checks the pass/fail cells against a run.)
 */
class ConformanceDocTest {
    static final Path DOC = Path.of("docs/conformance.md");
    static final String SECTION = "## The conformance run";
    static final List<String> RUNTIMES = List.of("jrun", "runc", "crun");
    static final Pattern ROW = Pattern.compile("^\\| `([a-zA-Z_]+)` \\|(.*)\\|\\s*$");
    static final Pattern COUNTS = Pattern.compile("jrun passes (\\d+), runc (\\d+) and crun (\\d+) of (\\d+)");
    static final Pattern TEST_REF = Pattern.compile("`?\\b([A-Z][A-Za-z0-9]*(?:IT|Test))\\.([a-z][A-Za-z0-9]*)\\b");

    /** The section's rows: case -> runtime -> passed; rows in order. */
    static Map<String, Map<String, Boolean>> table(String md) {
        Map<String, Map<String, Boolean>> rows = new LinkedHashMap<>();
        for (String[] r : rows(md)) {
            Map<String, Boolean> m = new LinkedHashMap<>();
            for (int i = 0; i < RUNTIMES.size(); i++) m.put(RUNTIMES.get(i), r[1 + i].equals("pass"));
            rows.put(r[0], m);
        }
        return rows;
    }

    /** Each row as {case, jrun, runc, crun, reason}; a cell other than pass/fail is an error. */
    static List<String[]> rows(String md) {
        int at = md.indexOf("\n" + SECTION + "\n");
        if (at < 0) throw new IllegalArgumentException("no section \"" + SECTION + "\"");
        int end = md.indexOf("\n## ", at + 1);
        List<String[]> out = new ArrayList<>();
        for (String line : md.substring(at, end < 0 ? md.length() : end).split("\n")) {
            Matcher m = ROW.matcher(line);
            if (!m.matches()) continue;
            String[] cells = m.group(2).split("\\|", -1);
            if (cells.length != 4) throw new IllegalArgumentException("row " + m.group(1) + ": 5 cells wanted: " + line);
            String[] r = new String[5];
            r[0] = m.group(1);
            for (int i = 0; i < 4; i++) r[1 + i] = cells[i].strip();
            for (int i = 1; i <= 3; i++)
                if (!r[i].equals("pass") && !r[i].equals("fail")) throw new IllegalArgumentException("row " + r[0] + ": \"" + r[i] + "\" is neither pass nor fail");
            out.add(r);
        }
        return out;
    }

    /** What is wrong with the page against the suite's cases and the tests that exist (testExists: "Class.method"). */
    static List<String> problems(String md, List<String> cases, Predicate<String> testExists) {
        List<String> p = new ArrayList<>();
        List<String[]> rows;
        try {
            rows = rows(md);
        } catch (IllegalArgumentException e) {
            return List.of(e.getMessage());
        }
        List<String> names = rows.stream().map(r -> r[0]).toList();
        if (!names.equals(cases)) {
            for (String c : cases) if (!names.contains(c)) p.add("no row for case " + c);
            for (String n : names) if (!cases.contains(n)) p.add("a row for no case: " + n);
            if (p.isEmpty()) p.add("rows not in the suite's order (or repeated): " + names);
        }
        int[] passed = new int[3];
        for (String[] r : rows) {
            boolean anyFail = false;
            for (int i = 0; i < 3; i++) {
                if (r[1 + i].equals("pass")) passed[i]++;
                else anyFail = true;
            }
            if (anyFail && r[4].isEmpty()) p.add("row " + r[0] + ": a failure without its reason");
        }
        Matcher m = COUNTS.matcher(md);
        if (!m.find()) p.add("no line \"jrun passes J, runc R and crun C of N\"");
        else {
            String stated = m.group(1) + " " + m.group(2) + " " + m.group(3) + " " + m.group(4);
            String counted = passed[0] + " " + passed[1] + " " + passed[2] + " " + rows.size();
            if (!stated.equals(counted)) p.add("the page says " + stated + " (jrun runc crun of N), the table " + counted);
        }
        Matcher t = TEST_REF.matcher(md);
        while (t.find()) {
            String ref = t.group(1) + "." + t.group(2);
            if (!testExists.test(ref)) p.add("names a test that does not exist: " + ref);
        }
        return p;
    }

    /** Whether src/test/java has a class by that name with a method of that name. */
    static boolean testExists(String ref) {
        String cls = ref.substring(0, ref.indexOf('.')), method = ref.substring(ref.indexOf('.') + 1);
        try (var files = Files.walk(Path.of("src/test/java"))) {
            for (Path f : files.filter(f -> f.getFileName().toString().equals(cls + ".java")).toList())
                if (Pattern.compile("\\bvoid " + Pattern.quote(method) + "\\(").matcher(Files.readString(f)).find()) return true;
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theTableIsTheSuitesCasesWithReasonsAndCounts() throws Exception {
        String md = Files.readString(DOC);
        assertEquals(List.of(), problems(md, ConformanceSuiteIT.caseNames(), ConformanceDocTest::testExists));
        // the README quotes the counts
        Matcher m = COUNTS.matcher(md);
        assertTrue(m.find());
        String readme = Files.readString(Path.of("README.md")).replaceAll("\\s+", " ");
        assertTrue(readme.contains(m.group(4) + " runtime-spec behaviours against jrun, runc and crun; here jrun passes " + m.group(1)
                + ", runc " + m.group(2) + " and crun " + m.group(3)), "README.md's counts are not docs/conformance.md's: " + m.group());
    }

    @Test
    void aWrongPageIsCaught() throws Exception {
        String md = Files.readString(DOC);
        List<String> cases = ConformanceSuiteIT.caseNames();
        Predicate<String> exists = ConformanceDocTest::testExists;
        String first = cases.get(0);
        String row = md.lines().filter(l -> l.startsWith("| `" + first + "` |")).findFirst().orElseThrow();
        // a case without its row, a row without its case, a count that is not the table's
        assertTrue(problems(md.replace(row + "\n", ""), cases, exists).stream().anyMatch(s -> s.contains("no row for case " + first)));
        assertTrue(problems(md.replace(row + "\n", row + "\n| `no_such_case` | pass | pass | pass | |\n"), cases, exists).stream()
                .anyMatch(s -> s.contains("a row for no case: no_such_case")));
        Matcher m = COUNTS.matcher(md);
        assertTrue(m.find());
        assertTrue(problems(md.replace(m.group(), "jrun passes " + (Integer.parseInt(m.group(1)) + 1) + ", runc " + m.group(2) + " and crun "
                + m.group(3) + " of " + m.group(4)), cases, exists).stream().anyMatch(s -> s.startsWith("the page says")));
        // a failure without a reason, a cell that is neither, a test that is not there
        String failing = md.lines().filter(l -> l.startsWith("| `") && l.contains("| fail |")).findFirst().orElseThrow();
        String noReason = failing.substring(0, failing.lastIndexOf('|', failing.length() - 2) + 1) + " |";
        assertTrue(problems(md.replace(failing, noReason), cases, exists).stream().anyMatch(s -> s.contains("a failure without its reason")));
        assertTrue(problems(md.replace(row, row.replaceFirst("\\| (pass|fail) \\|", "| maybe |")), cases, exists).get(0).contains("neither pass nor fail"));
        assertTrue(problems(md + "\nSee `HooksIT.noSuchMethod`.\n", cases, exists).contains("names a test that does not exist: HooksIT.noSuchMethod"));
        assertTrue(exists.test("HooksIT.hookTimeout"));
    }
}
