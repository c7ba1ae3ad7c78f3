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

/** User namespaces with mappings, time namespaces with offsets, cgroup namespaces, joining by path. */
class NamespacesIT extends WithSandbox {
    @Test
    void userNamespaceWithMappings() throws Exception {
        Path b = sb.bundle("b", c -> {
            List<Object> ns = (List<Object>) Sandbox.linux(c).get("namespaces");
            ns.add(Json.parse("{\"type\":\"user\"}"));
            Sandbox.linux(c).put("uidMappings", Json.parse("[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]"));
            Sandbox.linux(c).put("gidMappings", Json.parse("[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]"));
            Sandbox.args(c, "sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map; id; stat -c '%t %T' /dev/null; echo x > /dev/null && echo null-ok; hostname");
        });
        Sandbox.Result r = sb.jrun("run", "--bundle", b.toString(), "u1").ok();
        List<String> l = r.out().lines().map(String::strip).map(x -> x.replaceAll(" +", " ")).toList();
        assertEquals(List.of("0 100000 65536", "0 100000 65536", "uid=0 gid=0", "1 3", "null-ok", "jrun"), l, r.err());
    }

    @Test
    void timeNamespaceWithOffsetsAndCgroupNamespace() throws Exception {
        Path b = sb.bundle("b", c -> {
            ((List<Object>) Sandbox.linux(c).get("namespaces")).add(Json.parse("{\"type\":\"time\"}"));
            Sandbox.linux(c).put("timeOffsets", Json.parse("{\"boottime\":{\"secs\":1000000,\"nanosecs\":0}}"));
            Sandbox.args(c, "sh", "-c", "cut -d. -f1 /proc/uptime; grep -c ':/$' /proc/self/cgroup; wc -l < /proc/self/cgroup");
        });
        List<String> l = sb.jrun("run", "--bundle", b.toString(), "t1").ok().out().lines().map(String::strip).toList();
        long hostUptime = (long) Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
        assertTrue(Long.parseLong(l.get(0)) >= 1000000 + hostUptime - 5, "boottime offset applied: " + l);
        assertEquals(l.get(2), l.get(1), "every hierarchy shows / inside a cgroup namespace: " + l);
    }

    @Test
    void joinAnotherContainersNamespacesByPath() throws Exception {
        Path a = sb.bundle("a", c -> Sandbox.args(c, "sleep", "1000"));
        sb.jrun("run", "--detach", "--bundle", a.toString(), "na").ok();
        String pid = ((Map<?, ?>) Json.parse(sb.jrun("state", "na").ok().out())).get("pid").toString();
        Path b = sb.bundle("b", c -> {
            List<Object> ns = (List<Object>) Sandbox.linux(c).get("namespaces");
            ns.removeIf(n -> ((Map<?, ?>) n).get("type").equals("network") || ((Map<?, ?>) n).get("type").equals("ipc"));
            ns.add(Json.parse("{\"type\":\"network\",\"path\":\"/proc/" + pid + "/ns/net\"}"));
            ns.add(Json.parse("{\"type\":\"ipc\",\"path\":\"/proc/" + pid + "/ns/ipc\"}"));
            Sandbox.args(c, "sh", "-c", "readlink /proc/self/ns/net /proc/self/ns/ipc 2>/dev/null || { readlink /proc/self/ns/net; readlink /proc/self/ns/ipc; }");
        });
        List<String> l = sb.jrun("run", "--bundle", b.toString(), "nb").ok().out().lines().toList();
        assertEquals(List.of(Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/net")).toString(),
                Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/ipc")).toString()), l);
        sb.jrun("delete", "-f", "na").ok();
    }
}
