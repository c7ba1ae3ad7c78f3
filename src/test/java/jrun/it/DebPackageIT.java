package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import jrun.testing.Cmd;
import jrun.testing.Require;
import jrun.testing.Sandbox;

/**
 * The Debian package (`./build.sh deb`, scripts/deb.sh) and `./build.sh install`/`uninstall`
 * (scripts/install.sh) as an administrator meets them: dpkg-deb's view of the package; `dpkg -i`
 * without a JDK 25 (the postinst fails, saying so) and with one; a container through each of the
 * installed jrun, oci-interceptor (in front of runc) and run_oci; `dpkg -r` and `dpkg -P`
 * leaving nothing of the package behind.
 *
 * <p>The host must not change, so every step runs in a private mount and pid namespace (unshare)
 * in which /usr, /etc, /var and /run are overlayfs mounts whose lower layers are the host's
 * directories and whose upper layers are in this test's temp directory: whatever dpkg, the
 * maintainer scripts and the runtimes write lands there, and what the upper layers still hold at
 * the end is exactly what was left behind. Killing the namespace's init (SIGKILL) ends every
 * process in it, and with them its mounts, also when the test fails.
 */
class DebPackageIT {
    static final Path HOME = Sandbox.HOME;
    /** The trees overlaid in the namespace: where dpkg, the maintainer scripts and the runtimes write. */
    static final List<String> TREES = List.of("usr", "etc", "var", "run");
    static final Map<String, String> ENV = Map.of("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "DEBIAN_FRONTEND", "noninteractive", "LC_ALL", "C");
    static final String CGROUP_PARENT = "/jrun-debpackageit";
    static Sandbox sb;
    static Path deb;

    @BeforeAll
    static void buildPackage() throws Exception {
        Require.root("dpkg -i, mount namespaces and overlayfs");
        Require.executable(Path.of("/usr/bin/dpkg-deb"), "dpkg");
        Require.executable(Path.of("/usr/bin/unshare"), "util-linux");
        Require.executable(Path.of("/usr/bin/nsenter"), "util-linux");
        Require.executable(Path.of("/usr/sbin/runc"), "runc");
        Require.host(Files.readString(Path.of("/proc/filesystems")).contains("\toverlay\n"), "overlayfs");
        sb = new Sandbox();
        Cmd.Result r = Cmd.run(List.of("bash", HOME.resolve("scripts/deb.sh").toString(), sb.dir.resolve("out").toString()),
                HOME, ENV, 120);
        assertEquals(0, r.exit(), "scripts/deb.sh: " + r);
        deb = Path.of(r.out().strip());
        assertTrue(Files.isRegularFile(deb), r.toString());
    }

    @AfterAll
    static void cleanUp() throws IOException {
        // a container killed with the namespace (a failed test) leaves its empty cgroups on the host
        Sandbox.removeCgroups(CGROUP_PARENT);
        if (sb != null) sb.close();
    }

    /** A busybox bundle for container id, in a cgroup under CGROUP_PARENT (which cleanUp removes). */
    static Path bundle(String id, String... args) throws IOException {
        return sb.bundle(id, c -> {
            Sandbox.args(c, args);
            Sandbox.linux(c).put("cgroupsPath", CGROUP_PARENT + "/" + id);
        });
    }

    @Test
    void dpkgDebSeesAWellFormedPackage() {
        String arch = Cmd.ok("dpkg", "--print-architecture").out().strip();
        String version = field("Version");
        assertEquals("jrun", field("Package"));
        assertEquals(arch, field("Architecture"));
        assertEquals("jrun_" + version + "_" + arch + ".deb", deb.getFileName().toString());
        assertTrue(field("Depends").matches("libc6 \\(>= 2\\.[0-9]+\\)"), field("Depends"));
        assertEquals("runc | crun", field("Recommends"));
        assertTrue(field("Description").contains("Java 25"), field("Description"));
        assertEquals("/etc/init.d/jrun-engine\n/etc/oci-interceptor/rules.d/example.yaml.sample\n",
                Cmd.ok("dpkg-deb", "--info", deb.toString(), "conffiles").out());
        assertEquals("interest-noawait /usr/lib/jvm\n", Cmd.ok("dpkg-deb", "--info", deb.toString(), "triggers").out());
        for (String script : List.of("postinst", "prerm", "postrm"))
            assertTrue(Cmd.ok("dpkg-deb", "--info", deb.toString(), script).out().startsWith("#!/bin/sh\n"), script);

        Set<String> paths = new TreeSet<>();
        for (String line : Cmd.ok("dpkg-deb", "--contents", deb.toString()).out().split("\n")) {
            String[] f = line.split("\\s+", 6);
            assertEquals("root/root", f[1], "owner of " + line);
            paths.add(f[5].replaceFirst(" -> .*", ""));
        }
        for (String p : List.of("./usr/bin/jrun", "./usr/bin/oci-interceptor", "./usr/bin/run_oci", "./usr/bin/jrun-helper",
                "./usr/bin/jrun-ttyrelay", "./usr/bin/run_oci-prctl", "./usr/lib/jrun/jrun.jar", "./usr/lib/jrun/libjrun.so",
                "./usr/lib/jrun/setup-jdk", "./usr/lib/jrun/commit", "./usr/share/man/man8/jrun.8.gz",
                "./usr/share/man/man8/oci-interceptor.8.gz", "./usr/share/man/man8/run_oci.8.gz",
                "./usr/share/bash-completion/completions/jrun", "./usr/share/doc/jrun/copyright",
                "./etc/oci-interceptor/rules.d/example.yaml.sample", "./etc/init.d/jrun-engine",
                "./usr/lib/systemd/system/jrun-engine.socket", "./usr/lib/systemd/system/jrun-engine.service"))
            assertTrue(paths.contains(p), p + " not in the package: " + paths);
        // made on the target for its JDK (the postinst), never shipped; the test tool stays out
        for (String p : paths) {
            assertFalse(p.endsWith(".aot") || p.equals("./usr/lib/jrun/java") || p.contains("recvtty") || p.contains(".tmp"), p);
            assertTrue(p.equals("./") || p.equals("./etc/") || p.startsWith("./usr/") || p.startsWith("./etc/oci-interceptor/")
                    || p.startsWith("./etc/init.d/"), p);
        }
    }

    @Test
    void installsRunsAContainerThroughEachLauncherAndRemovesWithoutATrace() throws Exception {
        try (OverlayNs ns = new OverlayNs(sb.dir.resolve("ns-dpkg"))) {
            // Without a JDK 25 the package unpacks but does not configure, and says why.
            ns.ok("mount", "-t", "tmpfs", "-o", "mode=0755", "nojdk", "/usr/lib/jvm");
            Cmd.Result noJdk = ns.run("dpkg", "-i", deb.toString());
            assertNotEquals(0, noJdk.exit(), noJdk.toString());
            assertTrue(noJdk.err().contains("setup-jdk: no JDK 25 found under /usr/lib/jvm"), noJdk.err());
            assertTrue(noJdk.err().contains("run: dpkg --configure jrun"), noJdk.err());
            assertEquals("install ok half-configured", status(ns));
            ns.ok("umount", "/usr/lib/jvm");
            ns.ok("dpkg", "--configure", "jrun");
            assertEquals("install ok installed", status(ns));

            // The postinst linked the JDK and trained the caches; the installed launcher's JVM
            // starts from its cache (AOTMode=on fails instead of running without an unusable one).
            assertTrue(ns.ok("readlink", "/usr/lib/jrun/java").out().startsWith("/usr/lib/jvm/"));
            ns.ok("sh", "-c", "printf '#!/bin/sh\\nexec /usr/lib/jrun/java -XX:AOTMode=on \"$@\"\\n' > /usr/local/sbin/aot-java; chmod 755 /usr/local/sbin/aot-java");
            for (List<String> launcher : List.of(List.of("jrun", "--version"), List.of("oci-interceptor", "--oi-version"), List.of("run_oci", "--help"))) {
                Cmd.Result v = ns.run(List.of("env", "JRUN_JAVA=/usr/local/sbin/aot-java", "/usr/bin/" + launcher.get(0), launcher.get(1)));
                assertEquals(0, v.exit(), launcher + " with its AOT cache required: " + v);
            }
            ns.ok("rm", "/usr/local/sbin/aot-java");
            assertTrue(ns.ok("jrun", "--version").out().startsWith("jrun version "));
            assertEquals("/usr/share/man/man8/oci-interceptor.8.gz", ns.ok("man", "-w", "oci-interceptor").out().strip());
            assertTrue(ns.ok("oci-interceptor", "rules", "check", "/etc/oci-interceptor/rules.d/example.yaml.sample").both().contains("ok: 2 rule(s)"));

            // A container through each launcher, from /usr/bin.
            Path b1 = bundle("debit-jrun", "echo", "hello from jrun");
            Cmd.Result j = ns.run("/usr/bin/jrun", "run", "--bundle", b1.toString(), "debit-jrun");
            assertEquals(0, j.exit(), j.toString());
            assertEquals("hello from jrun\n", j.out());
            // the example rule file, given by name, sets TZ: the rules reached runc's config
            Path b2 = bundle("debit-oi", "sh", "-c", "echo runc says TZ=$TZ");
            Cmd.Result o = ns.run("/usr/bin/oci-interceptor", "--oi-rules", "/etc/oci-interceptor/rules.d/example.yaml.sample",
                    "run", "--bundle", b2.toString(), "debit-oi");
            assertEquals(0, o.exit(), o.toString());
            assertEquals("runc says TZ=UTC\n", o.out());
            Path b3 = bundle("debit-run_oci", "sh", "-c", "echo hello from run_oci > /tmp/out; exec sleep 100");
            ns.ok("/usr/bin/run_oci", "-c", b3.toString(), "start", "debit-run_oci");
            Path out = b3.resolve("rootfs/tmp/out");
            for (int i = 0; i < 500 && !(Files.exists(out) && Files.readString(out).endsWith("\n")); i++) Thread.sleep(10);
            assertEquals("hello from run_oci\n", Files.readString(out));
            ns.ok("/usr/bin/run_oci", "--signal=KILL", "kill", "debit-run_oci");
            Cmd.Result destroy = null;
            for (int i = 0; i < 200 && (destroy = ns.run("/usr/bin/run_oci", "destroy", "debit-run_oci")).exit() != 0; i++) Thread.sleep(10);
            assertEquals(0, destroy.exit(), destroy.toString());

            // dpkg -r: every file of the package is gone but the conffile; dpkg -P: that too.
            List<String> listed = Arrays.asList(ns.ok("dpkg", "-L", "jrun").out().strip().split("\n"));
            assertTrue(listed.contains("/usr/bin/jrun") && listed.contains("/usr/lib/jrun/jrun.jar"), listed.toString());
            ns.ok("dpkg", "-r", "jrun");
            assertEquals("deinstall ok config-files", status(ns));
            assertEquals(List.of("/etc/init.d/jrun-engine", "/etc/oci-interceptor", "/etc/oci-interceptor/rules.d",
                    "/etc/oci-interceptor/rules.d/example.yaml.sample"), stillThere(ns, listed));
            assertFalse(ns.run("test", "-e", "/usr/lib/jrun").exit() == 0, "/usr/lib/jrun after dpkg -r: " + ns.run("ls", "-la", "/usr/lib/jrun"));
            ns.ok("dpkg", "-P", "jrun");
            assertEquals(List.of(), stillThere(ns, listed));
            assertNotEquals(0, ns.run("dpkg-query", "-W", "jrun").exit(), "dpkg still knows jrun after a purge");
            assertEquals("", ns.ok("sh", "-c", "ls -d /var/lib/dpkg/info/jrun.* 2>/dev/null || true").out());

            // What is left in the upper layers is what the whole run left on the "host": only
            // dpkg's own records, man-db's index, and runc's and needrestart's state directories.
            ns.close();
            // The purge also emptied jrun's seccomp cache and removed its state roots if empty: on
            // a host that had them, their deletion is in the upper layer too.
            assertNotEquals(0, ns.run("test", "-e", "/run/jrun/.cache").exit(), "/run/jrun/.cache after dpkg -P");
            assertEquals(List.of(), ns.leftovers(w -> {
                String p = w.replaceFirst("^(changed|deleted) ", "");
                return p.startsWith("/var/lib/dpkg/") && !p.startsWith("/var/lib/dpkg/info/jrun.") || p.equals("/var/log/dpkg.log")
                        || p.startsWith("/var/cache/man/") || p.startsWith("/var/cache/debconf/") || p.startsWith("/run/runc")
                        || p.startsWith("/run/needrestart") || w.startsWith("deleted /run/jrun") || w.equals("deleted /run/containers");
            }));
        }
    }

    @Test
    void buildShInstallRecordsAManifestAndUninstallRemovesExactlyThat() throws Exception {
        try (OverlayNs ns = new OverlayNs(sb.dir.resolve("ns-install"))) {
            // a prefix no real install uses, so the host's own /usr/local cannot get in the way
            String prefix = "/usr/local/jrun-debit", java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Cmd.Result in = ns.run("bash", HOME.resolve("scripts/install.sh").toString(), "install", prefix, java);
            assertEquals(0, in.exit(), in.toString());
            assertTrue(ns.ok(prefix + "/bin/jrun", "--version").out().startsWith("jrun version "));
            assertTrue(ns.ok("readlink", prefix + "/lib/jrun/java").out().strip().endsWith("/bin/java"));
            // man pages (jrun's, one per command, the other launchers') and bash completion (issue 14)
            for (String page : List.of("jrun", "jrun-create", "jrun-exec", "jrun-help", "oci-interceptor", "run_oci")) {
                String f = prefix + "/share/man/man8/" + page + ".8.gz";
                Cmd.Result man = ns.run("env", "MANWIDTH=100", "man", "-l", f);
                assertEquals(0, man.exit(), f + ": " + man);
                assertTrue(man.out().contains("NAME") && man.out().contains("SYNOPSIS"), f + ": " + man.out());
            }
            assertEquals("start state", ns.ok("bash", "-c", "source " + prefix + "/share/bash-completion/completions/jrun; COMP_WORDS=("
                    + prefix + "/bin/jrun st); COMP_CWORD=1; _jrun; echo \"${COMPREPLY[*]}\"").out().strip());
            // the manifest names every file the install made (what the upper layers hold)
            Set<String> manifest = new TreeSet<>();
            for (String l : ns.ok("cat", prefix + "/lib/jrun/install-manifest").out().split("\n")) manifest.add(l.substring(2));
            List<String> made = ns.leftovers(p -> false);
            assertTrue(made.contains(prefix + "/lib/jrun/jrun.aot") && made.contains(prefix + "/etc/oci-interceptor/rules.d/example.yaml.sample")
                    && made.contains(prefix + "/bin/run_oci"), made.toString());
            for (String m : made) assertTrue(manifest.contains(m.replaceFirst("/$", "")), m + " installed but not in the manifest " + manifest);

            Cmd.Result un = ns.run("bash", HOME.resolve("scripts/install.sh").toString(), "uninstall", prefix);
            assertEquals(0, un.exit(), un.toString());
            assertNotEquals(0, ns.run("test", "-e", prefix).exit());
            ns.close();
            assertEquals(List.of(), ns.leftovers(p -> false));
        }
    }

    static String field(String name) {
        return Cmd.ok("dpkg-deb", "--field", deb.toString(), name).out().strip();
    }

    static String status(OverlayNs ns) {
        return ns.ok("dpkg-query", "-W", "-f=${Status}", "jrun").out();
    }

    /** The paths dpkg listed that still exist in the namespace, less the directories the host has too. */
    static List<String> stillThere(OverlayNs ns, List<String> listed) {
        List<String> argv = new ArrayList<>(List.of("sh", "-c", "for p; do if [ -e \"$p\" ] || [ -L \"$p\" ]; then echo \"$p\"; fi; done", "sh"));
        argv.addAll(listed);
        List<String> left = new ArrayList<>();
        for (String p : ns.ok(argv).out().split("\n"))
            if (!p.isEmpty() && !Files.isDirectory(Path.of(p), LinkOption.NOFOLLOW_LINKS)) left.add(p);
        return left;
    }

    /**
     * A private mount and pid namespace whose /usr, /etc, /var and /run are overlays on the host's,
     * with their upper layers under dir. Its init is a sleep; close() kills it (SIGKILL), which ends
     * every process in the namespace and so the namespace and its mounts.
     */
    static final class OverlayNs implements AutoCloseable {
        final Path dir;
        final Process unshare;
        final ProcessHandle init; // its destroy checks the start time too: a reused pid is not killed

        OverlayNs(Path dir) throws Exception {
            this.dir = dir;
            for (String t : TREES) {
                Files.createDirectories(dir.resolve(t + "/up"));
                Files.createDirectories(dir.resolve(t + "/work"));
            }
            String script = "set -e; for t in " + String.join(" ", TREES) + "; do "
                    + "mount -t overlay overlay -o lowerdir=/$t,upperdir=$1/$t/up,workdir=$1/$t/work /$t; done; "
                    + "touch $1/ready; exec sleep 600";
            unshare = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "--pid", "--fork", "--mount-proc",
                    "sh", "-c", script, "ns", dir.toString())
                    .redirectOutput(dir.resolve("ns.out").toFile()).redirectError(dir.resolve("ns.err").toFile()).start();
            for (int i = 0; i < 1000 && !Files.exists(dir.resolve("ready")) && unshare.isAlive(); i++) Thread.sleep(10);
            if (!Files.exists(dir.resolve("ready"))) {
                Cmd.kill(unshare);
                throw new AssertionError("the overlay namespace did not start: " + Files.readString(dir.resolve("ns.err")));
            }
            init = unshare.children().findFirst().orElseThrow(() -> new AssertionError("unshare has no child"));
        }

        Cmd.Result run(List<String> argv) {
            List<String> all = new ArrayList<>(List.of("nsenter", "-t", Long.toString(init.pid()), "-m", "-p", "--"));
            all.addAll(argv);
            return Cmd.run(all, null, ENV, 120);
        }

        Cmd.Result run(String... argv) {
            return run(List.of(argv));
        }

        Cmd.Result ok(List<String> argv) {
            Cmd.Result r = run(argv);
            if (r.exit() != 0) throw new AssertionError("in the namespace: " + argv + "\n" + r);
            return r;
        }

        Cmd.Result ok(String... argv) {
            return ok(List.of(argv));
        }

        /**
         * What the upper layers hold that the host's trees do not: a new file or directory, a host
         * file changed or deleted (a whiteout); less what allowed accepts. Each is "PATH", "PATH/" (a
         * directory), "changed PATH" or "deleted PATH".
         */
        List<String> leftovers(Predicate<String> allowed) throws IOException {
            List<String> found = new ArrayList<>();
            for (String t : TREES) {
                Path up = dir.resolve(t + "/up");
                try (var walk = Files.walk(up)) {
                    for (Path p : walk.skip(1).toList()) {
                        String host = "/" + t + "/" + up.relativize(p);
                        Path lower = Path.of(host);
                        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                        String what;
                        if ((mode & 0170000) == 0020000 && (Long) Files.getAttribute(p, "unix:rdev", LinkOption.NOFOLLOW_LINKS) == 0)
                            what = "deleted " + host;
                        else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                            what = Files.isDirectory(lower, LinkOption.NOFOLLOW_LINKS) ? null : host + "/";
                        else
                            what = Files.exists(lower, LinkOption.NOFOLLOW_LINKS) ? "changed " + host : host;
                        if (what != null && !allowed.test(what)) found.add(what);
                    }
                }
            }
            return found;
        }

        @Override
        public void close() {
            init.destroyForcibly(); // SIGKILL: a pid namespace's init ignores the others from outside
            Cmd.waitOrKill(unshare, 30);
        }
    }
}
