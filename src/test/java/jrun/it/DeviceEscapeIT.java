package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import jrun.spec.Json;
import jrun.testing.Sandbox;

/**
 * Device cgroup bypass: a container holding CAP_MKNOD makes nodes for the host's disk, loop0,
 * /dev/fuse and /dev/mem in its own rootfs (mknod is allowed, as runc's default rules say) and
 * opens each read-only. Without the device allowed in linux.resources.devices every open must fail with
 * EPERM: for the init, for an exec'd process, after an update, and on a pure cgroup v2 view
 * (the helper's eBPF program, for the init and an exec'd process born in the container's cgroup).
 * The same bundle with loop0 and fuse allowed reaches their drivers: what a runtime with the hole
 * would give without the rule. Nothing is read or written. runc 1.1.5 is the control on v1.
 */
class DeviceEscapeIT extends EscapeTest {
    /** The first disk of the host, major:minor (vda, sda, nvme0n1 ...). */
    static String hostDisk() throws Exception {
        try (var l = Files.list(Path.of("/sys/block"))) {
            for (Path d : l.sorted().toList()) {
                String n = d.getFileName().toString();
                if (n.matches("(vd|sd|xvd|hd)[a-z]+|nvme\\d+n\\d+|mmcblk\\d+")) return Files.readString(d.resolve("dev")).strip();
            }
        }
        return null;
    }

    /** Each node is made (the proof of the try), then opened read-only; the shell's error, if any, is printed. */
    static String probe(String disk) {
        String[] mm = disk.split(":");
        return "cd /tmp && for n in 'disk b " + mm[0] + " " + mm[1] + "' 'loop b 7 0' 'fuse c 10 229' 'mem c 1 1'; do set -- $n; rm -f $1-node; "
                + "mknod $1-node $2 $3 $4 && echo made $1; (exec 3<$1-node) 2>&1 && echo opened $1; done; true";
    }

    static String denied() {
        StringBuilder sb = new StringBuilder();
        for (String n : List.of("disk", "loop", "fuse", "mem"))
            sb.append("made ").append(n).append("\nsh: can't open ").append(n).append("-node: Operation not permitted\n");
        return sb.toString();
    }

    Path bundle(String name, String args, String devices) throws Exception {
        return sb.bundle(name, c -> {
            Sandbox.args(c, "sh", "-c", args);
            Sandbox.process(c).put("capabilities", Json.parse("{\"bounding\":[\"CAP_MKNOD\"],\"effective\":[\"CAP_MKNOD\"],\"permitted\":[\"CAP_MKNOD\"]}"));
            if (devices != null) Sandbox.linux(c).put("resources", Json.parse("{\"devices\":" + devices + "}"));
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"jrun", "runc"})
    void withoutTheRuleNoNodeOpens(String rt) throws Exception {
        String disk = hostDisk();
        assertNotNull(disk, "the host has a disk in /sys/block");
        String probe = probe(disk);
        assertEquals(denied(), rt(rt, "run", "--bundle", bundle("init", probe, null).toString(), "init-" + rt).ok().out(), rt + ": the init");

        rt(rt, "run", "--detach", "--bundle", bundle("x", "sleep 1000", null).toString(), "x-" + rt).ok();
        assertEquals(denied(), rt(rt, "exec", "x-" + rt, "sh", "-c", probe).ok().out(), rt + ": an exec'd process");
        rt(rt, "update", "--pids-limit", "100", "--memory", "268435456", "x-" + rt).ok();
        assertEquals(denied(), rt(rt, "exec", "x-" + rt, "sh", "-c", probe).ok().out(), rt + ": an exec'd process after an update");

        // the control: allowed, a node reaches its driver (opens, or ENXIO where the driver has no
        // such device); the host's disk stays refused (not allowed) and /dev/mem needs CAP_SYS_RAWIO too
        String allow = "[{\"allow\":true,\"type\":\"b\",\"major\":7,\"minor\":0,\"access\":\"r\"},"
                + "{\"allow\":true,\"type\":\"c\",\"major\":10,\"minor\":229,\"access\":\"r\"}]";
        String allowed = rt(rt, "run", "--bundle", bundle("allowed", probe, allow).toString(), "allowed-" + rt).ok().out();
        for (String n : List.of("loop", "fuse"))
            assertTrue(allowed.contains("opened " + n + "\n") || allowed.contains(n + "-node: No such device or address"), rt + ": allowed " + n + ": " + allowed);
        assertTrue(allowed.contains("disk-node: Operation not permitted") && allowed.contains("mem-node: Operation not permitted"), rt + ": " + allowed);
    }

    @Test
    void onAPureCgroupV2View() throws Exception {
        String probe = probe(hostDisk());
        Path init = bundle("init", probe, null), x = bundle("x", "sleep 1000", null);
        Path probeFile = Files.writeString(sb.dir.resolve("probe.sh"), probe);
        String j = jrunLine();
        String v2 = "umount -l /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup && ";
        Sandbox.Result r;
        try {
            r = Sandbox.exec(List.of("unshare", "-m", "--propagation", "private", "sh", "-c", v2 + j + " run --bundle " + init + " v2i && echo -- && "
                    + j + " run --detach --bundle " + x + " v2x && " + j + " exec v2x sh -c \"$(cat " + probeFile + ")\""), null);
        } finally {
            Sandbox.exec(List.of("unshare", "-m", "--propagation", "private", "sh", "-c", v2 + j + " delete -f v2i; " + j + " delete -f v2x; true"), null);
        }
        assertEquals(0, r.status(), r.err());
        assertEquals(denied() + "--\n" + denied(), r.out());
    }
}
