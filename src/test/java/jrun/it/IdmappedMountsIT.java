package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jrun.spec.Json;
import jrun.testing.Cmd;
import jrun.testing.Sandbox;

/**
 * Idmapped mounts (runtime-spec 1.2 mounts[].uidMappings/gidMappings, mount_setattr with
 * MOUNT_ATTR_IDMAP), run by root: a container in a user namespace (0 -> 100000) binds a host
 * directory twice, plainly and idmapped (0 -> 100000), and file ownership is checked inside
 * and on the host.
 */
class IdmappedMountsIT extends WithSandbox {
    static final String MAP = "[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]";

    @Test
    void anIdmappedBindShowsTheHostsOwnersToTheContainer() throws Exception {
        Path data = Files.createDirectories(sb.dir.resolve("data"));
        Files.writeString(data.resolve("root-file"), "x");
        Files.writeString(data.resolve("user-file"), "y");
        Cmd.ok("chown", "1000:2000", data.resolve("user-file").toString());
        Cmd.ok("chmod", "0777", data.toString());
        Path b = sb.bundle("b", c -> {
            Sandbox.linux(c).put("namespaces", Json.parse("[{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":\"user\"},{\"type\":\"ipc\"},{\"type\":\"uts\"}]"));
            Sandbox.linux(c).put("uidMappings", Json.parse(MAP));
            Sandbox.linux(c).put("gidMappings", Json.parse(MAP));
            Sandbox.mounts(c).removeIf(m -> m instanceof Map<?, ?> mm && String.valueOf(mm.get("destination")).startsWith("/sys"));
            for (Object m : Sandbox.mounts(c))
                if (m instanceof Map<?, ?> mm && mm.get("options") instanceof List<?> o) o.removeIf("gid=5"::equals);
            Sandbox.mounts(c).add(Json.parse("{\"destination\":\"/plain\",\"type\":\"bind\",\"source\":\"" + data + "\",\"options\":[\"rbind\"]}"));
            Sandbox.mounts(c).add(Json.parse("{\"destination\":\"/mapped\",\"type\":\"bind\",\"source\":\"" + data + "\",\"options\":[\"rbind\",\"idmap\"],"
                    + "\"uidMappings\":" + MAP + ",\"gidMappings\":" + MAP + "}"));
            Sandbox.args(c, "sh", "-c", "stat -c '%n %u %g' /plain/root-file /plain/user-file /mapped/root-file /mapped/user-file;"
                    + " touch /mapped/made-inside && echo made; touch /plain/made-plain");
        });
        Files.createDirectories(b.resolve("rootfs/plain"));
        Files.createDirectories(b.resolve("rootfs/mapped"));
        Sandbox.Result r = sb.jrun("run", "--bundle", b.toString(), "idm1").ok();
        assertEquals(List.of(
                "/plain/root-file 65534 65534", // unmapped host ids: the overflow id
                "/plain/user-file 65534 65534",
                "/mapped/root-file 0 0", // on disk 0, seen through the mount as 100000: the container's root
                "/mapped/user-file 1000 2000",
                "made"), r.out().lines().toList(), r.err());
        Path made = data.resolve("made-inside");
        assertEquals(List.of(0, 0), List.of(Files.getAttribute(made, "unix:uid"), Files.getAttribute(made, "unix:gid")),
                "the container's root writes the host's root through the idmapped mount");
        Path plain = data.resolve("made-plain");
        assertEquals(List.of(100000, 100000), List.of(Files.getAttribute(plain, "unix:uid"), Files.getAttribute(plain, "unix:gid")),
                "through the plain bind it is the user namespace's host id");
    }

    @Test
    void badIdmappedMountsAreOneLineNamingTheField() throws Exception {
        Path data = Files.createDirectories(sb.dir.resolve("data"));
        Path b = sb.bundle("b", c -> Sandbox.mounts(c).add(Json.parse("{\"destination\":\"/mapped\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"idmap\"],"
                + "\"uidMappings\":" + MAP + ",\"gidMappings\":" + MAP + "}")));
        Sandbox.Result r = sb.jrun("run", "--bundle", b.toString(), "idm2");
        assertEquals(1, r.status());
        assertTrue(r.err().matches("jrun: mounts\\[[0-9]+\\]\\.uidMappings: jrun idmaps bind mounts only \\(type \"bind\" or option \"bind\"/\"rbind\"\\)\n"), r.err());
        Path b2 = sb.bundle("b2", c -> Sandbox.mounts(c).add(Json.parse("{\"destination\":\"/mapped\",\"type\":\"bind\",\"source\":\"" + data + "\",\"options\":[\"rbind\"],"
                + "\"uidMappings\":" + MAP + ",\"gidMappings\":" + MAP + "}")));
        r = sb.jrun("run", "--bundle", b2.toString(), "idm3");
        assertEquals(1, r.status());
        assertTrue(r.err().matches("jrun: .*mounts\\[[0-9]+\\]\\.options: an idmapped mount \\(uidMappings\\) needs the option \"idmap\" or \"ridmap\"\n"), r.err());
    }
}
