package jrun.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jrun.JrunException;

class SysctlsTest {
    static final Map<String, String> ALL = Map.of("ipc", "", "network", "", "uts", "", "mount", "", "pid", "");

    @Test
    void namespacedSysctlsGiveProcSysFiles() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("net.ipv4.ip_forward", "1");
        s.put("kernel.shm_rmid_forced", "1");
        s.put("fs.mqueue.msg_max", "100");
        s.put("kernel.domainname", "example.org");
        assertEquals(List.of(new Sysctls.Write("net.ipv4.ip_forward", Path.of("/proc/sys/net/ipv4/ip_forward"), "1"),
                new Sysctls.Write("kernel.shm_rmid_forced", Path.of("/proc/sys/kernel/shm_rmid_forced"), "1"),
                new Sysctls.Write("fs.mqueue.msg_max", Path.of("/proc/sys/fs/mqueue/msg_max"), "100"),
                new Sysctls.Write("kernel.domainname", Path.of("/proc/sys/kernel/domainname"), "example.org")),
                Sysctls.plan(s, "linux.sysctl", ALL, p -> false));
    }

    @Test
    void refusedAsRuncRefuses() {
        assertError(Map.of("vm.max_map_count", "262144"), ALL,
                "linux.sysctl[\"vm.max_map_count\"]: sysctl \"vm.max_map_count\" is not in a separate kernel namespace");
        assertError(Map.of("kernel.sem", "1 2 3 4"), Map.of("network", ""),
                "linux.sysctl[\"kernel.sem\"]: sysctl \"kernel.sem\" is not allowed in the host's ipc namespace");
        assertError(Map.of("net.core.somaxconn", "1024"), Map.of("ipc", ""),
                "linux.sysctl[\"net.core.somaxconn\"]: sysctl \"net.core.somaxconn\" is not allowed in the host's network namespace");
        assertError(Map.of("kernel.hostname", "x"), ALL,
                "linux.sysctl[\"kernel.hostname\"]: sysctl \"kernel.hostname\" is not allowed as it conflicts with the OCI \"hostname\" field");
        assertError(Map.of("kernel.domainname", "x"), Map.of("ipc", ""),
                "linux.sysctl[\"kernel.domainname\"]: sysctl \"kernel.domainname\" is not in a separate kernel namespace");
        // joining a network namespace that turns out to be the host's
        JrunException e = assertThrows(JrunException.class, () -> Sysctls.plan(new LinkedHashMap<>(Map.of("net.ipv4.ip_forward", "1")),
                "linux.sysctl", Map.of("network", "/proc/1/ns/net"), p -> p.equals("/proc/1/ns/net")));
        assertTrue(e.getMessage().endsWith("is not allowed in the host's network namespace"));
        assertError(Map.of("net.ipv4..x", "1"), ALL, "linux.sysctl[\"net.ipv4..x\"]: not a sysctl name");
    }

    @Test
    void ownNetnsIsRecognised() {
        assertTrue(Sysctls.isOwnNetns("/proc/self/ns/net"));
        assertTrue(Sysctls.isOwnNetns("/proc/" + ProcessHandle.current().pid() + "/ns/net"));
        assertFalse(Sysctls.isOwnNetns("/proc/self/ns/ipc"));
    }

    static void assertError(Map<String, Object> s, Map<String, String> ns, String message) {
        assertEquals(message, assertThrows(JrunException.class,
                () -> Sysctls.plan(new LinkedHashMap<>(s), "linux.sysctl", ns, p -> false)).getMessage());
    }
}
