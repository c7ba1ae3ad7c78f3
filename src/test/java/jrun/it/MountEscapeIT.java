package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import jrun.spec.Json;
import jrun.testing.Cmd;
import jrun.testing.Sandbox;

/**
 * CVE-2021-30465 class: symlinks at mount destinations. runc before 1.0.0-rc95 resolved a
 * destination inside the rootfs and then mounted by path, so a container that swapped a directory
 * of a shared volume for a symlink to "/" in between made the next container's mount land on the
 * host's "/" (in that container's mount namespace; a later mount from under it then exposed the
 * host). Checked here: the race itself (src/test/c/escape-swap.c in one container, a second one
 * created over and over with mounts under the volume); destinations that are symlinks to host
 * paths, absolute and relative; and a rootfs whose /dev is a symlink to a host directory (runc's
 * GHSA-xjvp-4fhw-gc47: runc 1.1.5 removes the host directory's ptmx and makes its fd, stdin,
 * stdout, stderr links there). Each container must see its mounts inside its own root, or fail;
 * no host file may change and no host mount appear.
 */
class MountEscapeIT extends EscapeTest {
    /** The host's mount points outside /tmp and /run (where other tests and daemons on this host mount). */
    static TreeSet<String> hostMounts() throws Exception {
        TreeSet<String> m = hostMountsOutside(Path.of("/tmp"));
        m.removeIf(mp -> mp.equals("/run") || mp.startsWith("/run/") || mp.startsWith("/var/run/"));
        return m;
    }

    /** Name, type, size and content of every entry of dir (not following links). */
    static TreeMap<String, String> snapshot(Path dir) throws Exception {
        TreeMap<String, String> s = new TreeMap<>();
        try (var l = Files.list(dir)) {
            for (Path p : l.toList()) {
                String v = Files.isSymbolicLink(p) ? "link " + Files.readSymbolicLink(p)
                        : Files.isRegularFile(p) ? "file " + Files.readString(p) : "other";
                s.put(p.getFileName().toString(), v);
            }
        }
        return s;
    }

    /** Name, inode and modification time of every entry of a host directory (not following links). */
    static TreeMap<String, String> listing(Path dir) throws Exception {
        TreeMap<String, String> s = new TreeMap<>();
        try (var l = Files.list(dir)) {
            for (Path p : l.toList())
                s.put(p.getFileName().toString(), Files.readAttributes(p, "unix:ino,lastModifiedTime", java.nio.file.LinkOption.NOFOLLOW_LINKS).toString());
        }
        return s;
    }

    /** Five tmpfs mounts stacked on the racy destination, told apart by their sizes (whole pages). */
    static final List<String> SIZES = List.of("1200k", "1204k", "1208k", "1212k", "1216k");

    @ParameterizedTest
    @ValueSource(strings = {"jrun", "runc"})
    void aSymlinkSwappedInAtAMountDestination(String rt) throws Exception {
        TreeSet<String> before = hostMounts();
        // The destination is /vol/d/NAME, NAME a directory of the host's / that holds no part of
        // this test: through the link, a path-following runtime mounts on the host's /NAME.
        String name = null;
        for (String n : List.of("mnt", "srv", "opt", "media"))
            if (name == null && Files.isDirectory(Path.of("/" + n), java.nio.file.LinkOption.NOFOLLOW_LINKS)) name = n;
        assertTrue(name != null, "the host has /mnt, /srv, /opt or /media");
        TreeMap<String, String> hostName = listing(Path.of("/" + name));
        Path volume = Files.createDirectories(sb.dir.resolve("volume"));
        Files.createDirectories(volume.resolve("d/" + name));
        Map<String, Object> volumeMount = Map.of("destination", "/vol", "type", "bind", "source", volume.toString(),
                "options", List.of("rbind", "rw"));
        Path a = sb.bundle("attacker", c -> {
            Sandbox.args(c, "/bin/escape-swap", "/vol", "/vol/stop");
            Sandbox.mounts(c).add(new java.util.LinkedHashMap<>(volumeMount));
        });
        attacker(a.resolve("rootfs"), "escape-swap");
        String dest = "/vol/d/" + name;
        Path b = sb.bundle("victim", c -> {
            Sandbox.args(c, "true");
            Sandbox.mounts(c).add(new java.util.LinkedHashMap<>(volumeMount));
            for (String size : SIZES)
                Sandbox.mounts(c).add(Json.parse("{\"destination\":\"" + dest + "\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"size=" + size + "\"]}"));
        });
        // resolved through the link inside the root, the destination is the rootfs's own /NAME
        Files.createDirectories(b.resolve("rootfs/" + name));
        List<String> cmd = rt.equals("jrun") ? List.of(jrun.toString(), "--root", sb.jrunRoot.toString()) : List.of("runc", "--root", sb.runcRoot.toString());
        CompletableFuture<Cmd.Result> swapper = CompletableFuture.supplyAsync(
                () -> Cmd.run(Cmd.concat(cmd, "run", "--bundle", a.toString(), "swap-" + rt), null, Map.of(), 600));
        if (rt.equals("jrun")) remember("swap-" + rt);
        int created = 0;
        List<String> refused = new ArrayList<>();
        try {
            for (int i = 0; i < 300 && !Files.exists(volume.resolve("l"), java.nio.file.LinkOption.NOFOLLOW_LINKS); i++) Thread.sleep(20);
            assertTrue(Files.exists(volume.resolve("l"), java.nio.file.LinkOption.NOFOLLOW_LINKS), "the attacker started swapping");
            // Created, the victim's init has all its mounts and waits: its mountinfo, read from the
            // host, shows what is inside its root. A tmpfs may sit at /vol/d/NAME (or wherever the
            // attacker moved that directory), or at /NAME when the name was the link as it was
            // resolved; one that is missing was mounted outside the container.
            for (int i = 0; i < 15; i++) {
                String id = "victim" + i + "-" + rt;
                Sandbox.Result r = rt(rt, "create", "--bundle", b.toString(), id);
                if (r.status() == 0) {
                    created++;
                    String mounts = Files.readString(Path.of("/proc/" + initPid(rt, id) + "/mountinfo"));
                    for (String size : SIZES)
                        assertTrue(mounts.contains(" - tmpfs tmpfs rw,size=" + size + "\n"), rt + " victim " + i + ": the tmpfs of size " + size
                                + " is not inside the container (mounted outside it?):\n" + mounts);
                } else {
                    refused.add(r.err().strip());
                }
                rt(rt, "delete", "--force", id);
            }
        } finally {
            Files.writeString(volume.resolve("stop"), "");
        }
        Cmd.Result s = swapper.get(120, TimeUnit.SECONDS);
        assertTrue(s.out().startsWith("start\nswaps ") && !s.out().contains("swaps 0\n"), rt + ": the attacker swapped: " + s);
        // jrun must really mount the victims (a runtime that refuses every create would pass the checks
        // trivially). runc is the control: its refusals are its own defences against this very race
        // ("possibly malicious path", a destination that stopped being a directory), and in some runs
        // the swapper wins all 15 rounds against it.
        if (rt.equals("jrun")) assertTrue(created > 0, rt + ": no victim was created at all: " + refused);
        else for (String e : refused)
            assertTrue(e.contains("possibly malicious path") || e.contains("readlink") || e.contains("not a directory"), rt + ": refused for another reason: " + e);
        assertEquals(before, hostMounts(), rt + ": no mount appeared on the host");
        assertEquals(hostName, listing(Path.of("/" + name)), rt + ": the host's /" + name + " is untouched");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jrun", "runc"})
    void destinationsThatAreSymlinksToHostPaths(String rt) throws Exception {
        TreeSet<String> before = hostMounts();
        Path hostDir = Files.createDirectories(sb.dir.resolve("host-dir"));
        Files.writeString(hostDir.resolve("keep"), "host\n");
        Path hostFile = Files.writeString(sb.dir.resolve("host-file"), "host\n");
        Path source = Files.writeString(sb.dir.resolve("source-file"), "from the bind\n");
        Path b = sb.bundle("b", c -> {
            Sandbox.args(c, "sh", "-c", "grep 'size=12[04]4k' /proc/self/mountinfo | sed 's/^[^ ]* [^ ]* [^ ]* [^ ]* \\([^ ]*\\) .*size=\\([0-9]*k\\).*/\\1 \\2/' | sort; "
                    + "cat /abs/keep /rel/keep 2>&1; true");
            Sandbox.mounts(c).add(Json.parse("{\"destination\":\"/abs\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"size=1204k\"]}"));
            Sandbox.mounts(c).add(Json.parse("{\"destination\":\"/rel\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"size=1244k\"]}"));
        });
        Path rootfs = b.resolve("rootfs");
        Files.createSymbolicLink(rootfs.resolve("abs"), hostDir);
        Files.createSymbolicLink(rootfs.resolve("rel"), Path.of("../../../../../../../../../..").resolve(hostDir.toString().substring(1)));
        Sandbox.Result r = rt(rt, "run", "--bundle", b.toString(), "links-" + rt);
        assertEquals(0, r.status(), rt + ": " + r);
        String inside = hostDir.toString();
        assertEquals(inside + " 1204k\n" + inside + " 1244k\ncat: can't open '/abs/keep': No such file or directory\n"
                + "cat: can't open '/rel/keep': No such file or directory\n", r.out(),
                rt + ": both tmpfs mounted at the links' target made inside the rootfs, the host directory's file not seen");
        assertTrue(Files.isDirectory(rootfs.resolve(inside.substring(1))), rt + ": the target was made inside the rootfs");
        assertEquals(Map.of("keep", "file host\n"), snapshot(hostDir), rt);

        // a file bind whose destination links to a host file: refused, or bound inside
        Path f = sb.bundle("f", c -> {
            Sandbox.args(c, "cat", "/file");
            Sandbox.mounts(c).add(Json.parse("{\"destination\":\"/file\",\"type\":\"bind\",\"source\":\"" + source + "\",\"options\":[\"bind\"]}"));
        });
        Files.createSymbolicLink(f.resolve("rootfs/file"), hostFile);
        Sandbox.Result fr = rt(rt, "run", "--bundle", f.toString(), "file-" + rt);
        assertTrue(fr.status() != 0 || fr.out().equals("from the bind\n"), rt + ": " + fr);
        assertEquals("host\n", Files.readString(hostFile), rt + ": the host file is untouched");
        assertEquals(before, hostMounts(), rt + ": no mount appeared on the host");
    }

    /** runc 1.1.5 fails this (GHSA-xjvp-4fhw-gc47): not compared. */
    @Test
    void devAsASymlinkToAHostDirectory() throws Exception {
        TreeSet<String> before = hostMounts();
        Path hostDev = Files.createDirectories(sb.dir.resolve("host-dev"));
        Files.writeString(hostDev.resolve("ptmx"), "host\n");
        TreeMap<String, String> was = snapshot(hostDev);
        String probe = "ls -l /dev/null | grep -o '^c.* 1, *3 '; ls /dev/ptmx /dev/fd /dev/stdin >/dev/null && echo links";
        Path rel = Path.of("../../../../../../../../../..").resolve(hostDev.toString().substring(1));
        for (Path target : List.of(hostDev, rel)) {
            for (boolean devMount : List.of(true, false)) {
                String id = (target.isAbsolute() ? "abs" : "rel") + (devMount ? "-tmpfs" : "-none");
                Path b = sb.bundle(id, c -> {
                    Sandbox.args(c, "sh", "-c", probe);
                    if (!devMount) Sandbox.mounts(c).removeIf(m -> ((Map<?, ?>) m).get("destination").toString().startsWith("/dev"));
                });
                Files.delete(b.resolve("rootfs/dev"));
                Files.createSymbolicLink(b.resolve("rootfs/dev"), target);
                Sandbox.Result r = jrun("run", "--bundle", b.toString(), id);
                assertTrue(r.status() != 0 || r.out().matches("crw-rw-rw- .* 1, +3 \nlinks\n"), id + ": " + r);
                assertEquals(was, snapshot(hostDev), id + ": the host directory is untouched");
            }
        }
        assertEquals(before, hostMounts(), "no mount appeared on the host");
    }
}
