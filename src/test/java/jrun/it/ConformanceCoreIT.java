package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jrun.spec.Json;
import jrun.testing.Sandbox;

/**
 * Behaviours of issue 14 (conformance and runc parity) that runtime tests, Docker and operators
 * rely on, each checked against runc on the same bundle where runc has them.
 */
class ConformanceCoreIT extends WithSandbox {
    /** Docker 20.10's default profile (errno by default) without close_range, as profiles from before it was added are. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> seccompWithoutCloseRange() throws Exception {
        String text;
        try (var in = ConformanceCoreIT.class.getResourceAsStream("/configs/docker-20.10.json")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, Object> seccomp = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) Json.parse(text)).get("linux")).get("seccomp");
        assertEquals("SCMP_ACT_ERRNO", seccomp.get("defaultAction"));
        int removed = 0;
        for (Object o : (List<Object>) seccomp.get("syscalls")) {
            List<Object> names = new ArrayList<>((List<Object>) ((Map<String, Object>) o).get("names"));
            if (names.remove("close_range")) removed++;
            ((Map<String, Object>) o).put("names", names);
        }
        assertEquals(1, removed, "the profile allowed close_range once");
        return seccomp;
    }

    /** Item 1: without noNewPrivileges the filter is loaded before the identity change; the fds must be marked before it. */
    @Test
    void aProfileWithoutCloseRangeRunsWithoutNoNewPrivileges() throws Exception {
        Map<String, Object> seccomp = seccompWithoutCloseRange();
        Path b = sb.bundle("b", c -> {
            Sandbox.args(c, "sh", "-c", "echo up");
            Sandbox.process(c).put("noNewPrivileges", Boolean.FALSE);
            Sandbox.linux(c).put("seccomp", seccomp);
        });
        assertEquals("up\n", sb.runc("run", "--bundle", b.toString(), "r1").ok().out(), "runc runs the profile");
        Sandbox.Result r = sb.jrun("run", "--bundle", b.toString(), "j1");
        assertEquals(0, r.status(), r.err());
        assertEquals("up\n", r.out());
        // and the same through create and start, where the init died right after start
        Path b2 = sb.bundle("b2", c -> {
            Sandbox.args(c, "sh", "-c", "echo up > /tmp/out; sleep 1000");
            Sandbox.process(c).put("noNewPrivileges", Boolean.FALSE);
            Sandbox.linux(c).put("seccomp", seccomp);
        });
        sb.jrun("create", "--bundle", b2.toString(), "j2").ok();
        sb.jrun("start", "j2").ok();
        for (int i = 0; i < 200 && !java.nio.file.Files.exists(b2.resolve("rootfs/tmp/out")); i++) Thread.sleep(10);
        assertEquals("running", ((Map<?, ?>) Json.parse(sb.jrun("state", "j2").ok().out())).get("status"));
        assertEquals("up\n", java.nio.file.Files.readString(b2.resolve("rootfs/tmp/out")));
        sb.jrun("delete", "--force", "j2").ok();
    }

    /** Item 2: runc looks the program up in the container's root and PATH at create, and fails there. */
    @Test
    void aMissingExecutableFailsCreate() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "nosuch"));
        Sandbox.Result runc = sb.runc("create", "--bundle", b.toString(), "r1");
        assertEquals(1, runc.status(), runc.err());
        assertTrue(runc.err().contains("exec: \\\"nosuch\\\": executable file not found in $PATH"), runc.err());
        Sandbox.Result r = sb.jrun("create", "--bundle", b.toString(), "j1");
        assertEquals(1, r.status(), r.err());
        assertEquals("jrun: process.args: exec: \"nosuch\": executable file not found in $PATH\n", r.err());
        assertFalse(Files.exists(sb.jrunRoot.resolve("j1")), "state of a failed create");
        // a link out of the root is followed inside it: the host's /usr/bin/env is not the container's
        assertTrue(Files.isExecutable(Path.of("/usr/bin/env")));
        Path esc = sb.bundle("esc", c -> Sandbox.args(c, "/bin/escape"));
        Files.createSymbolicLink(esc.resolve("rootfs/bin/escape"), Path.of("/usr/bin/env"));
        r = sb.jrun("create", "--bundle", esc.toString(), "j2");
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().startsWith("jrun: process.args: exec: \"/bin/escape\": No such file or directory"), r.err());
        // a directory on PATH by the program's name is skipped; an absolute link inside the root is followed
        Path ok = sb.bundle("ok", c -> {
            Sandbox.args(c, "prog");
            Sandbox.process(c).put("env", new ArrayList<Object>(List.of("PATH=/first:/bin")));
        });
        Files.createDirectories(ok.resolve("rootfs/first/prog"));
        Files.createSymbolicLink(ok.resolve("rootfs/bin/prog"), Path.of("/bin/busybox"));
        sb.jrun("create", "--bundle", ok.toString(), "j3").ok();
        sb.jrun("delete", "--force", "j3").ok();
        assertEquals("", sb.jrun("list", "-q").ok().out().strip());
    }

    /** Item 2: an exec that fails after create's checks (a script whose interpreter is missing) fails `start`, never exit 0. */
    @Test
    void startFailsWhenTheProcessCannotBeStarted() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "script"));
        Files.writeString(b.resolve("rootfs/bin/script"), "#!/no/such/interpreter\necho hi\n");
        Files.setPosixFilePermissions(b.resolve("rootfs/bin/script"), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        sb.jrun("create", "--bundle", b.toString(), "j1").ok();
        Sandbox.Result r = sb.jrun("start", "j1");
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("cannot start container j1: exec script: No such file or directory"), r.err());
        assertEquals("stopped", ((Map<?, ?>) Json.parse(sb.jrun("state", "j1").ok().out())).get("status"));
        sb.jrun("delete", "j1").ok();
        // run: the same, named by the config field; and a program that exits at once is a success
        r = sb.jrun("run", "--bundle", b.toString(), "j2");
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("process.args: exec script: No such file or directory"), r.err());
        Path quick = sb.bundle("quick", c -> Sandbox.args(c, "true"));
        for (int i = 0; i < 5; i++) {
            sb.jrun("create", "--bundle", quick.toString(), "q" + i).ok();
            sb.jrun("start", "q" + i).ok();
            sb.jrun("delete", "--force", "q" + i).ok();
        }
    }

    /** Item 3: as runc, `delete --force` of a container that is not there is done (Docker and Podman call it after every removal). */
    @Test
    void deleteForceOfAMissingContainerSucceeds() throws Exception {
        for (String rt : List.of("runc", "jrun")) {
            Sandbox.Result forced = rt.equals("runc") ? sb.runc("delete", "--force", "nope") : sb.jrun("delete", "--force", "nope");
            assertEquals(0, forced.status(), rt + ": " + forced.err());
            assertEquals("", forced.out() + (rt.equals("jrun") ? forced.err() : ""), rt);
            Sandbox.Result plain = rt.equals("runc") ? sb.runc("delete", "nope") : sb.jrun("delete", "nope");
            assertEquals(1, plain.status(), rt);
            assertTrue(plain.err().contains("does not exist"), rt + ": " + plain.err());
            Sandbox.Result bad = rt.equals("runc") ? sb.runc("delete", "--force", "../x") : sb.jrun("delete", "--force", "../x");
            assertTrue(bad.status() != 0, rt + ": an invalid id is still an error");
        }
        assertEquals(0, sb.jrun("delete", "-f", "nope").status());
    }

    /**
     * Item 5: a container joins a mount and a uts namespace kept by bind-mounted ns files (as
     * `unshare --mount=FILE`), sets its hostname in the joined uts namespace, and sees its own
     * rootfs; as under runc. The host's hostname is left alone.
     */
    @Test
    void joinsMountAndUtsNamespacesByPath() throws Exception {
        String hostname = Sandbox.exec(List.of("hostname"), null).ok().out();
        for (String rt : List.of("runc", "jrun")) {
            Path ns = Files.createDirectories(sb.dir.resolve("ns-" + rt));
            Sandbox.exec(List.of("mount", "--bind", ns.toString(), ns.toString()), null).ok();
            Sandbox.exec(List.of("mount", "--make-private", ns.toString()), null).ok();
            Files.createFile(ns.resolve("mnt"));
            Files.createFile(ns.resolve("uts"));
            Sandbox.exec(List.of("unshare", "--mount=" + ns.resolve("mnt"), "--uts=" + ns.resolve("uts"), "true"), null).ok();
            String mntIno = Sandbox.exec(List.of("stat", "-L", "-c", "%i", ns.resolve("mnt").toString()), null).ok().out().strip();
            String utsIno = Sandbox.exec(List.of("stat", "-L", "-c", "%i", ns.resolve("uts").toString()), null).ok().out().strip();
            Path b = sb.bundle("b-" + rt, c -> {
                Sandbox.args(c, "sh", "-c", "hostname; readlink /proc/self/ns/mnt; readlink /proc/self/ns/uts; cat /marker");
                c.put("hostname", "joined-" + rt);
                List<Object> namespaces = new ArrayList<>();
                for (String t : List.of("pid", "ipc", "network", "cgroup")) namespaces.add(new java.util.LinkedHashMap<>(Map.of("type", t)));
                namespaces.add(new java.util.LinkedHashMap<>(Map.of("type", "mount", "path", ns.resolve("mnt").toString())));
                namespaces.add(new java.util.LinkedHashMap<>(Map.of("type", "uts", "path", ns.resolve("uts").toString())));
                Sandbox.linux(c).put("namespaces", namespaces);
            });
            Files.writeString(b.resolve("rootfs/marker"), "rootfs of " + rt + "\n");
            Sandbox.Result r = rt.equals("runc") ? sb.runc("run", "--bundle", b.toString(), "c-" + rt) : sb.jrun("run", "--bundle", b.toString(), "c-" + rt);
            assertEquals(0, r.status(), rt + ": " + r.err());
            assertEquals("joined-" + rt + "\nmnt:[" + mntIno + "]\nuts:[" + utsIno + "]\nrootfs of " + rt + "\n", r.out(), rt);
            assertEquals("joined-" + rt + "\n", Sandbox.exec(List.of("nsenter", "--uts=" + ns.resolve("uts"), "hostname"), null).ok().out(), rt);
            assertEquals(hostname, Sandbox.exec(List.of("hostname"), null).ok().out(), rt + ": the host's hostname");
        }
    }

    /**
     * Item 7, runtime-spec 1.2.1 lifecycle step 7: a failing startContainer hook is an error of
     * `start`, and the container stops (the program never runs).
     */
    @Test
    void aFailingStartContainerHookFailsStart() throws Exception {
        Path b = sb.bundle("b", c -> {
            Sandbox.args(c, "sh", "-c", "touch /tmp/ran; sleep 1000");
            c.put("hooks", Json.parse("{\"startContainer\":[{\"path\":\"/bin/false\"}]}"));
        });
        sb.jrun("create", "--bundle", b.toString(), "j1").ok();
        Sandbox.Result r = sb.jrun("start", "j1");
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("cannot start container j1: hook /bin/false exited with status 1"), r.err());
        assertEquals("stopped", ((Map<?, ?>) Json.parse(sb.jrun("state", "j1").ok().out())).get("status"));
        assertFalse(Files.exists(b.resolve("rootfs/tmp/ran")), "the program ran");
        sb.jrun("delete", "j1").ok();
    }

    /** Item 8: linux.mountLabel on a host without SELinux is ignored, as crun does (runc fails). */
    @Test
    void aMountLabelWithoutSelinuxIsIgnored() throws Exception {
        assertFalse(Files.exists(Path.of("/sys/fs/selinux/enforce")), "this host has SELinux: the test is for one without");
        Path b = sb.bundle("b", c -> {
            Sandbox.args(c, "sh", "-c", "grep -c context= /proc/self/mountinfo");
            Sandbox.linux(c).put("mountLabel", "system_u:object_r:container_file_t:s0:c1,c2");
        });
        Sandbox.Result crun = sb.crun("run", "--bundle", b.toString(), "c1");
        assertEquals("0\n", crun.out(), "crun: " + crun.err());
        Sandbox.Result r = sb.jrun("run", "--bundle", b.toString(), "j1");
        assertEquals(1, r.status(), r.err()); // grep -c found nothing: no mount got a context
        assertEquals("0\n", r.out(), r.err());
        assertEquals("", r.err());
    }

    /**
     * Item 6: linux.rootfsPropagation shared and unbindable give the container's root mount that
     * propagation (its optional fields in mountinfo), as crun does; private as before.
     * Nothing the container mounts reaches the host.
     */
    @Test
    void rootfsPropagationOfEveryKind() throws Exception {
        Map<String, String> expected = Map.of("shared", "shared:", "unbindable", "unbindable", "private", "");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            String prop = e.getKey();
            Path b = sb.bundle("b-" + prop, c -> {
                Sandbox.args(c, "sh", "-c", "mkdir -p /tmp/m; mount -t tmpfs tmpfs /tmp/m; grep -E '^[0-9]+ [0-9]+ [^ ]+ [^ ]+ / ' /proc/self/mountinfo");
                Sandbox.linux(c).put("rootfsPropagation", prop);
                Map<String, Object> caps = new java.util.LinkedHashMap<>();
                for (String set : List.of("bounding", "effective", "permitted")) caps.put(set, new ArrayList<Object>(List.of("CAP_SYS_ADMIN")));
                Sandbox.process(c).put("capabilities", caps);
            });
            for (String rt : List.of("crun", "jrun")) {
                Sandbox.Result r = rt.equals("crun") ? sb.crun("run", "--bundle", b.toString(), "c-" + prop) : sb.jrun("run", "--bundle", b.toString(), "j-" + prop);
                assertEquals(0, r.status(), rt + " " + prop + ": " + r.err());
                String fields = r.out().substring(0, r.out().indexOf(" - "));
                if (prop.equals("private")) assertFalse(fields.contains("shared:") || fields.contains("master:") || fields.contains("unbindable"), rt + " " + prop + ": " + r.out());
                else assertTrue(fields.contains(e.getValue()), rt + " " + prop + ": " + r.out());
            }
            assertTrue(Sandbox.mountsUnder(b).isEmpty(), prop + ": mounts left on the host under " + b + ": " + Sandbox.mountsUnder(b));
        }
    }
}
