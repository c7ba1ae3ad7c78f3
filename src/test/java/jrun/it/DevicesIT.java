package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import jrun.spec.Json;
import jrun.testing.Sandbox;

/**
 * The device cgroup, as runc applies it: runc's default list even without linux.resources, plus
 * linux.resources.devices; on v1 as devices.deny/allow, on a pure cgroup v2 view as an eBPF program
 * the helper attaches. A block node the container makes itself is refused (EPERM) unless allowed
 * (then the missing disk answers ENXIO).
 */
class DevicesIT extends WithSandbox {
    static final String PROBE = "mknod /dev/sdx b 8 0; head -c1 /dev/sdx >/dev/null 2>/tmp/err; cat /tmp/err; head -c1 /dev/zero | wc -c";
    Path bundle(String name, String devices) throws Exception {
        return sb.bundle(name, c -> {
            Sandbox.args(c, "sh", "-c", PROBE);
            Sandbox.process(c).put("capabilities", Json.parse("{\"bounding\":[\"CAP_MKNOD\"],\"effective\":[\"CAP_MKNOD\"],\"permitted\":[\"CAP_MKNOD\"]}"));
            if (devices != null) Sandbox.linux(c).put("resources", Json.parse("{\"devices\":" + devices + "}"));
        });
    }

    @Test
    void v1ListsAgreeWithRunc() throws Exception {
        Path deny = bundle("deny", null), allow = bundle("allow", "[{\"allow\":true,\"type\":\"b\",\"major\":8,\"minor\":0,\"access\":\"r\"}]");
        String denied = sb.jrun("run", "--bundle", deny.toString(), "d1").ok().out();
        assertEquals("head: /dev/sdx: Operation not permitted\n1\n", denied);
        assertEquals(sb.runc("run", "--bundle", deny.toString(), "d1").ok().out(), denied);
        String allowed = sb.jrun("run", "--bundle", allow.toString(), "a1").ok().out();
        assertEquals("head: /dev/sdx: No such device or address\n1\n", allowed);
        assertEquals(sb.runc("run", "--bundle", allow.toString(), "a1").ok().out(), allowed);
    }

    @Test
    void v2DeviceProgram() throws Exception {
        Path deny = bundle("deny", null), allow = bundle("allow", "[{\"allow\":true,\"type\":\"b\",\"major\":8,\"minor\":0,\"access\":\"r\"}]");
        String j = Sandbox.JRUN + " --root " + sb.jrunRoot;
        String v2 = "umount -l /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup && ";
        Sandbox.Result r;
        try {
            r = Sandbox.exec(List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                    v2 + j + " run --bundle " + deny + " v2d && " + j + " run --bundle " + allow + " v2a"), null);
        } finally {
            Sandbox.exec(List.of("unshare", "-m", "--propagation", "private", "sh", "-c", v2 + j + " delete -f v2d; " + j + " delete -f v2a; true"), null);
        }
        assertEquals(0, r.status(), r.err());
        assertEquals("head: /dev/sdx: Operation not permitted\n1\nhead: /dev/sdx: No such device or address\n1\n", r.out());
    }
}
