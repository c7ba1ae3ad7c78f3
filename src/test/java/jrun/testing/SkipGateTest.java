package jrun.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scripts/SkipGate.java, the check `./build.sh test` runs on the reports, fed fabricated reports; and its allowlist. */
class SkipGateTest {
    static final Path ALLOWLIST = Home.dir().resolve("src/test/resources/allowed-skips.txt");
    static final Path JDK = Path.of(System.getProperty("java.home"));
    @TempDir static Path classes;

    /** Compiled once (build.sh runs the source file directly, which compiles it on each run: 2 s). */
    @BeforeAll
    static void compile() {
        Cmd.Result r = Cmd.run(List.of(JDK.resolve("bin/javac").toString(), "-d", classes.toString(),
                Home.dir().resolve("scripts/SkipGate.java").toString()), null, Map.of(), 120);
        assertEquals(0, r.exit(), r.toString());
    }

    static Cmd.Result gate(Path cgroupRoot, Path... reportDirs) {
        List<String> argv = new ArrayList<>(List.of(JDK.resolve("bin/java").toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-Dskipgate.cgroup=" + cgroupRoot, "-cp", classes.toString(), "SkipGate", ALLOWLIST.toString()));
        for (Path d : reportDirs) argv.add(d.toString());
        return Cmd.run(argv, null, Map.of(), 60);
    }

    static Path report(Path dir, String... cases) throws Exception {
        Files.createDirectories(dir);
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"s\">\n");
        for (String c : cases) x.append("  ").append(c).append('\n');
        Files.writeString(dir.resolve("TEST-s.xml"), x.append("</testsuite>\n"));
        return dir;
    }

    static String skipped(String cls, String name, String why) {
        return "<testcase name=\"" + name + "\" classname=\"" + cls + "\" time=\"0\"><skipped message=\"" + why + "\"/></testcase>";
    }

    static String passed(String cls, String name) {
        return "<testcase name=\"" + name + "\" classname=\"" + cls + "\" time=\"0.1\"/>";
    }

    /** A fake /sys/fs/cgroup: the cgroup2 root (pure v2) or a hybrid host's tmpfs. */
    static Path cgroupRoot(Path dir, boolean v2Only) throws Exception {
        Path d = Files.createDirectories(dir.resolve(v2Only ? "v2" : "hybrid"));
        if (v2Only) Files.writeString(d.resolve("cgroup.controllers"), "cpu memory pids\n");
        else Files.createDirectories(d.resolve("memory"));
        return d;
    }

    @Test
    void noSkipPasses(@TempDir Path dir) throws Exception {
        Path unit = report(dir.resolve("surefire"), passed("a.BTest", "one"), passed("a.BTest", "two(String)[1]"));
        Path it = report(dir.resolve("failsafe"), passed("a.CIT", "three"));
        Cmd.Result r = gate(cgroupRoot(dir, false), unit, it, dir.resolve("absent"));
        assertEquals(0, r.exit(), r.toString());
        assertEquals("tests: 3 run, 0 skipped\n", r.out());
    }

    @Test
    void aSkipNotOnTheListFailsAndIsNamed(@TempDir Path dir) throws Exception {
        Path it = report(dir.resolve("failsafe"), passed("jrun.it.RunOciExtensionsIT", "envValuesMayContainEquals"),
                skipped("jrun.it.RunOciExtensionsIT", "dynamicDeviceNumbers", "Assumption failed: needs /dev/fuse"));
        Cmd.Result r = gate(cgroupRoot(dir, true), it);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.out().startsWith("tests: 2 run, 1 skipped\n"), r.out());
        assertTrue(r.out().contains("skipped jrun.it.RunOciExtensionsIT#dynamicDeviceNumbers: Assumption failed: needs /dev/fuse"
                + " -- NOT ALLOWED: not in "), r.out());
        assertTrue(r.out().contains("FAILED: 1 skip(s) not on the allowlist"), r.out());
    }

    @Test
    void aListedSkipPassesOnlyOnTheHostShapeItNames(@TempDir Path dir) throws Exception {
        Path it = report(dir.resolve("failsafe"),
                skipped("jrun.linux.cgroups.CgroupRuncIT", "ourWritesLeaveTheCgroupAsRuncDoes(Path)", "v2 only"),
                skipped("jrun.it.RunOciExtensionsIT", "cpuResourcesHonoured", "v2 only"));
        Cmd.Result onV2 = gate(cgroupRoot(dir, true), it);
        assertEquals(0, onV2.exit(), onV2.toString());
        assertTrue(onV2.out().startsWith("tests: 2 run, 2 skipped\n"), onV2.out());
        assertTrue(onV2.out().contains("#ourWritesLeaveTheCgroupAsRuncDoes(Path): v2 only -- allowed (cgroup2-only: "), onV2.out());
        Cmd.Result onHybrid = gate(cgroupRoot(dir, false), it);
        assertEquals(1, onHybrid.exit(), onHybrid.toString());
        assertTrue(onHybrid.out().contains("FAILED: 2 skip(s)"), onHybrid.out());
        assertTrue(onHybrid.out().contains("NOT ALLOWED: listed for cgroup2-only hosts, and this host is not one"), onHybrid.out());
    }

    @Test
    void aMethodEntryCoversOnlyThatMethod(@TempDir Path dir) throws Exception {
        // RunOciExtensionsIT#cpuResourcesHonoured is listed; a method whose name starts the same is not
        Path it = report(dir.resolve("failsafe"), skipped("jrun.it.RunOciExtensionsIT", "cpuResourcesHonouredToo", "v2 only"));
        assertEquals(1, gate(cgroupRoot(dir, true), it).exit());
    }

    @Test
    void anUnreadableReportFails(@TempDir Path dir) throws Exception {
        Path it = Files.createDirectories(dir.resolve("failsafe"));
        Files.writeString(it.resolve("TEST-broken.xml"), "<testsuite><testcase name=");
        Cmd.Result r = gate(cgroupRoot(dir, false), it);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.out().contains("unreadable report"), r.out());
    }

    /** Every entry names a real test (class, and method unless *), and the README's table lists exactly the same. */
    @Test
    void theAllowlistNamesRealTestsAndTheReadmeShowsIt() throws Exception {
        List<String> entries = new ArrayList<>();
        for (String line : Files.readAllLines(ALLOWLIST)) {
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] f = line.split("\\s+", 3);
            entries.add(f[0] + " | " + f[1] + " | " + f[2]);
            String cls = f[0].substring(0, f[0].indexOf('#')), method = f[0].substring(f[0].indexOf('#') + 1);
            Class<?> c = Class.forName(cls);
            if (!method.equals("*")) {
                assertTrue(Arrays.stream(c.getDeclaredMethods()).map(Method::getName).anyMatch(method::equals), f[0] + ": no such method");
            }
        }
        List<String> readme = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\s*\\| `([^`]+)` \\| (\\S+) \\| (.+?) \\|$").matcher(Files.readString(Home.dir().resolve("README.md")));
        while (m.find()) readme.add(m.group(1) + " | " + m.group(2) + " | " + m.group(3));
        assertEquals(entries, readme, "README's allowed-skips table and " + ALLOWLIST);
        assertTrue(!entries.isEmpty());
    }
}
