package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jrun.spec.Json;
import jrun.testing.Sandbox;

/**
 * The same bundle under jrun, runc and crun: a probe prints identity, /dev and mountinfo from
 * inside, and the results must agree where the runtimes should. Known, documented differences
 * are filtered out: runc 1.1 does not mount the v2 "unified" hierarchy in hybrid mode and leaves
 * the cgroup tmpfs writable (jrun applies "ro" to it); crun runs here without the v2 mount,
 * always adds /dev/core, gives /dev/null to the container's user (runc and jrun leave it root's),
 * masks files with the host's /dev/null and names its mounts differently.
 */
class CompareIT extends WithSandbox {
    static final String PROBE = "hostname; id; umask; pwd; ulimit -n; grep NoNewPrivs /proc/self/status;"
            + " for f in /dev/* /dev/pts/*; do stat -c '%n %F %t %T %a %u %g' $f; done;"
            + " while read a b c d mp opts rest; do echo \"$mp $opts ${rest#*- }\"; done < /proc/self/mountinfo | sort; exit 3";

    Path bundle() throws Exception {
        Path shared = Files.createDirectories(sb.dir.resolve("shared"));
        Files.writeString(shared.resolve("f"), "x");
        return sb.bundle("b", c -> {
            c.put("hostname", "cmp");
            Map<String, Object> p = Sandbox.process(c);
            p.put("user", Json.parse("{\"uid\":1000,\"gid\":1000,\"additionalGids\":[10],\"umask\":23}"));
            p.put("cwd", "/tmp");
            Sandbox.args(c, "sh", "-c", PROBE);
            Sandbox.mounts(c).add(Json.parse("{\"destination\":\"/shared\",\"type\":\"bind\",\"source\":\"" + shared + "\",\"options\":[\"rbind\",\"ro\",\"nosuid\"]}"));
            Sandbox.mounts(c).add(Json.parse("{\"destination\":\"/scratch\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"noexec\",\"size=2m\"]}"));
            ((Map<String, Object>) c.get("root")).put("readonly", Boolean.TRUE);
        });
    }

    static List<String> withoutCgroupV2(String out) {
        return out.lines().filter(l -> !l.startsWith("/sys/fs/cgroup ") && !l.startsWith("/sys/fs/cgroup/unified ")).toList();
    }

    @Test
    void jrunAndRuncAgree() throws Exception {
        Path b = bundle();
        Sandbox.Result j = Sandbox.exec(List.of(Sandbox.JRUN.toString(), "--root", sb.jrunRoot.toString(), "run", "cmp-j"), b);
        Sandbox.Result r = Sandbox.exec(List.of("runc", "--root", sb.runcRoot.toString(), "run", "cmp-r"), b);
        assertEquals(3, r.status(), "runc: " + r.err());
        assertEquals(3, j.status(), "jrun: " + j.err());
        assertTrue(j.out().startsWith("cmp\nuid=1000 gid=1000 groups=10\n0027\n/tmp\n1024\nNoNewPrivs:\t1\n"), j.out());
        assertEquals(withoutCgroupV2(r.out()), withoutCgroupV2(j.out()));
    }

    @Test
    void homeIsFilledFromTheContainersPasswdAsRuncDoes() throws Exception {
        for (int uid : new int[] {0, 65534, 1000}) {
            Path b = sb.bundle("home" + uid, c -> {
                Sandbox.process(c).put("user", Json.parse("{\"uid\":" + uid + ",\"gid\":0}"));
                Sandbox.args(c, "sh", "-c", "echo HOME=$HOME");
            });
            Files.createDirectories(b.resolve("rootfs/etc"));
            Files.writeString(b.resolve("rootfs/etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/nonexistent:/bin/false\n");
            Sandbox.Result j = Sandbox.exec(List.of(Sandbox.JRUN.toString(), "--root", sb.jrunRoot.toString(), "run", "hj" + uid), b);
            Sandbox.Result r = Sandbox.exec(List.of("runc", "--root", sb.runcRoot.toString(), "run", "hr" + uid), b);
            assertEquals(0, r.status(), "runc: " + r.err());
            assertEquals(0, j.status(), "jrun: " + j.err());
            assertEquals(r.out(), j.out(), "uid " + uid);
            assertEquals(uid == 0 ? "HOME=/root\n" : uid == 65534 ? "HOME=/nonexistent\n" : "HOME=/\n", j.out());
        }
    }

    /** Mount point and per-mount options, without crun's differently made masks and cgroup mounts. */
    static List<String> portable(String out) {
        return out.lines().filter(l -> !l.startsWith("/sys/fs/cgroup") && !l.startsWith("/dev/core ")
                && !l.startsWith("/proc/keys ") && !l.startsWith("/proc/timer_list "))
                .map(l -> l.startsWith("/dev/null ") ? l.substring(0, l.lastIndexOf(' ', l.lastIndexOf(' ') - 1)) : l)
                .map(l -> l.startsWith("/") && l.split(" ").length > 2 && !l.contains(" file ") && !l.contains(" link ") && !l.contains(" directory ")
                        ? l.split(" ")[0] + " " + l.split(" ")[1] : l)
                .toList();
    }

    @Test
    void jrunAndCrunAgree() throws Exception {
        Path b = bundle();
        Sandbox.Result j = Sandbox.exec(List.of(Sandbox.JRUN.toString(), "--root", sb.jrunRoot.toString(), "run", "cmp-j"), b);
        Sandbox.Result c = Sandbox.exec(List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                "umount /sys/fs/cgroup/unified; exec crun --root " + sb.crunRoot + " run cmp-c"), b);
        assertEquals(3, c.status(), "crun: " + c.err());
        assertEquals(3, j.status(), "jrun: " + j.err());
        assertEquals(portable(c.out()), portable(j.out()));
    }
}
