package jrun.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jrun.JrunException;

class SpecTest {
    private static String error(Map<String, Object> config) {
        return assertThrows(JrunException.class, () -> Spec.from(config)).getMessage();
    }

    @Test
    void readsTheMinimalConfig() {
        Spec s = Spec.from(TestConfigs.minimal());
        assertEquals("box", s.hostname());
        assertEquals(List.of("sh", "-c", "true"), s.process().args());
        assertEquals(2, s.mounts().size());
        assertEquals("mounts[1]", s.mounts().get(1).path());
        assertEquals(List.of("nosuid", "mode=755"), s.mounts().get(1).options());
        assertTrue(s.namespace(Namespace.Type.PID).isNew());
        assertEquals(null, s.process().user().umask());
    }

    @Test
    void aNulInAnyStringOrMemberNameNamesItsPath() {
        Map<String, Object> c = TestConfigs.minimal();
        TestConfigs.process(c).put("env", TestConfigs.json("[\"A=1\", \"B=2\\u0000\"]"));
        assertEquals("process.env[1]: contains a NUL character (\\u0000), which no string given to the kernel may hold", error(c));
        c = TestConfigs.minimal();
        TestConfigs.mounts(c).add(TestConfigs.json("{\"type\":\"tmpfs\",\"destination\":\"/t\",\"options\":[\"size=1\\u0000\"]}"));
        assertEquals("mounts[2].options[0]: contains a NUL character (\\u0000), which no string given to the kernel may hold", error(c));
        c = TestConfigs.minimal();
        TestConfigs.linux(c).put("sysctl", TestConfigs.json("{\"kernel.x\\u0000\": \"1\"}"));
        assertEquals("linux.sysctl.kernel.x?: a member name contains a NUL character (\\u0000), which no string given to the kernel may hold", error(c));
    }

    @Test
    void unknownNamespaceTypeNamesItsPath() {
        Map<String, Object> c = TestConfigs.minimal();
        TestConfigs.linux(c).put("namespaces", TestConfigs.json("[{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":\"foo\"}]"));
        assertEquals("linux.namespaces[2].type: unknown namespace type \"foo\"", error(c));
    }

    @Test
    void wrongTypesNameTheirPath() {
        Map<String, Object> c = TestConfigs.minimal();
        TestConfigs.process(c).put("user", TestConfigs.json("{\"uid\":\"root\"}"));
        assertEquals("process.user.uid: expected an integer, found a string", error(c));
        c = TestConfigs.minimal();
        TestConfigs.mounts(c).add(TestConfigs.json("{\"type\":\"tmpfs\"}"));
        assertEquals("mounts[2].destination: required", error(c));
        // paths are built only on error: each level of nesting still names itself
        c = TestConfigs.minimal();
        TestConfigs.mounts(c).add(TestConfigs.json("{\"destination\":\"/x\",\"options\":[\"ro\",7]}"));
        assertEquals("mounts[2].options[1]: expected a string, found a number", error(c));
        c = TestConfigs.minimal();
        TestConfigs.mounts(c).add(TestConfigs.json("[]"));
        assertEquals("mounts[2]: expected an object, found an array", error(c));
        c = TestConfigs.minimal();
        TestConfigs.process(c).put("rlimits", TestConfigs.json("[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1,\"soft\":\"x\"}]"));
        assertEquals("process.rlimits[0].soft: expected an integer, found a string", error(c));
        c = TestConfigs.minimal();
        TestConfigs.process(c).put("user", TestConfigs.json("{\"uid\":0,\"gid\":-1}"));
        assertTrue(error(c).startsWith("process.user.gid: -1 is out of range"), error(c));
    }

    @Test
    void refusesWhatIsNotAppliedYet() {
        Map<String, Object> c = TestConfigs.minimal();
        TestConfigs.linux(c).put("intelRdt", TestConfigs.json("{\"closID\":\"x\"}"));
        assertEquals("linux.intelRdt: not supported by jrun yet (no Intel RDT support)", error(c));
        c = TestConfigs.minimal();
        TestConfigs.process(c).put("apparmorProfile", "docker-default");
        assertTrue(error(c).startsWith("process.apparmorProfile: not supported"));
    }

    @Test
    void idmappedMountsNeedBothMapsAndAnIdmapOption() {
        String maps = "\"uidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}],"
                + "\"gidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]";
        Map<String, Object> c = TestConfigs.minimal();
        TestConfigs.mounts(c).add(TestConfigs.json("{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/srv\",\"options\":[\"rbind\",\"idmap\"]," + maps + "}"));
        Mount m = Spec.from(c).mounts().getLast();
        assertTrue(m.idmapped());
        assertEquals(new IdMapping(0, 100000, 65536), m.gidMappings().get(0));
        int i = TestConfigs.mounts(c).size() - 1;
        c = TestConfigs.minimal();
        TestConfigs.mounts(c).add(TestConfigs.json("{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/srv\",\"options\":[\"bind\"]," + maps + "}"));
        assertEquals("mounts[" + i + "].options: an idmapped mount (uidMappings) needs the option \"idmap\" or \"ridmap\"", error(c));
        c = TestConfigs.minimal();
        TestConfigs.mounts(c).add(TestConfigs.json("{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/srv\",\"options\":[\"idmap\"],"
                + "\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}]}"));
        assertEquals("mounts[" + i + "].gidMappings: an idmapped mount needs both uidMappings and gidMappings", error(c));
    }

    @Test
    void keepsResourcesSeccompAndCapabilitiesForJrunLinux() {
        Map<String, Object> c = TestConfigs.minimal();
        TestConfigs.linux(c).put("resources", TestConfigs.json("{\"memory\":{\"limit\":1000}}"));
        TestConfigs.linux(c).put("seccomp", TestConfigs.json("{\"defaultAction\":\"SCMP_ACT_ALLOW\"}"));
        TestConfigs.process(c).put("capabilities", TestConfigs.json("{\"bounding\":[\"CAP_KILL\"]}"));
        Spec s = Spec.from(c);
        assertEquals(TestConfigs.json("{\"memory\":{\"limit\":1000}}"), s.linux().resources());
        assertEquals("SCMP_ACT_ALLOW", s.linux().seccomp().get("defaultAction"));
        assertEquals(List.of("CAP_KILL"), s.process().capabilities().get("bounding"));
        assertEquals(null, Spec.from(TestConfigs.minimal()).linux().seccomp());
        TestConfigs.linux(c).put("seccomp", "strict");
        assertTrue(error(c).startsWith("linux.seccomp: expected an object"), error(c));
    }

    @Test
    void userNamespaceNeedsMappings() {
        Map<String, Object> c = TestConfigs.minimal();
        TestConfigs.linux(c).put("namespaces", TestConfigs.json("[{\"type\":\"mount\"},{\"type\":\"user\"}]"));
        assertEquals("linux.uidMappings: a new user namespace needs uidMappings and gidMappings", error(c));
        TestConfigs.linux(c).put("uidMappings", TestConfigs.json("[{\"containerID\":0,\"hostID\":1000,\"size\":10}]"));
        TestConfigs.linux(c).put("gidMappings", TestConfigs.json("[{\"containerID\":0,\"hostID\":1000}]"));
        assertEquals("linux.gidMappings[0].size: required", error(c));
    }

    @Test
    void duplicateNamespace() {
        Map<String, Object> c = TestConfigs.minimal();
        TestConfigs.linux(c).put("namespaces", TestConfigs.json("[{\"type\":\"mount\"},{\"type\":\"mount\",\"path\":\"/proc/1/ns/mnt\"}]"));
        assertEquals("linux.namespaces[1].type: duplicate namespace \"mount\"", error(c));
    }

    @Test
    void devicesAndDynamicNumbers() {
        Map<String, Object> c = TestConfigs.minimal();
        TestConfigs.linux(c).put("devices", TestConfigs.json("""
                [{"path":"/dev/binder","type":"c","major":10,"dynamicMinor":true,"fileMode":438},
                 {"path":"/dev/x","type":"c","major":1}]"""));
        assertEquals("linux.devices[1].minor: required", error(c));
        TestConfigs.linux(c).put("devices", TestConfigs.json("[{\"path\":\"/dev/binder\",\"type\":\"c\",\"major\":10,\"dynamicMinor\":true}]"));
        Device d = Spec.from(c).linux().devices().get(0);
        assertTrue(d.dynamicMinor());
        assertEquals(0666, d.fileMode());
        assertEquals("linux.devices[0]", d.where());
    }

    @Test
    void hooksIncludingPrechroot() {
        Map<String, Object> c = TestConfigs.minimal();
        c.put("hooks", TestConfigs.json("{\"prechroot\":[{\"path\":\"/bin/true\",\"args\":[\"true\",\"x\"],\"timeout\":3}],\"poststop\":[{\"path\":\"rel\"}]}"));
        assertEquals("hooks.poststop[0].path: must be absolute, got \"rel\"", error(c));
        ((Map<String, Object>) (Map<String, Object>) c.get("hooks")).remove("poststop");
        Hooks h = Spec.from(c).hooks();
        assertEquals(new Hook("/bin/true", List.of("true", "x"), List.of(), 3, "hooks.prechroot[0]"), h.prechroot().get(0));
    }

    @Test
    void umaskAndRlimits() {
        Map<String, Object> c = TestConfigs.minimal();
        TestConfigs.process(c).put("user", TestConfigs.json("{\"uid\":1,\"gid\":2,\"umask\":63,\"additionalGids\":[5,6]}"));
        TestConfigs.process(c).put("rlimits", TestConfigs.json("[{\"type\":\"RLIMIT_NOFILE\",\"hard\":18446744073709551615,\"soft\":1024}]"));
        ProcessSpec p = Spec.from(c).process();
        assertEquals(63, p.user().umask());
        assertEquals(List.of(5, 6), p.user().additionalGids());
        assertEquals(7, p.rlimits().get(0).resource());
        assertEquals(-1L, p.rlimits().get(0).hard()); // RLIM_INFINITY as unsigned
        TestConfigs.process(c).put("rlimits", TestConfigs.json("[{\"type\":\"RLIMIT_NOFILE\",\"hard\":-1,\"soft\":1}]"));
        assertEquals("process.rlimits[0].hard: -1 is out of range", error(c));
        TestConfigs.process(c).put("rlimits", TestConfigs.json("[{\"type\":\"RLIMIT_NOFILE\",\"hard\":18446744073709551616,\"soft\":1}]"));
        assertEquals("process.rlimits[0].hard: 18446744073709551616 is out of range", error(c));
        TestConfigs.process(c).put("user", TestConfigs.json("{\"uid\":4294967296,\"gid\":0}"));
        TestConfigs.process(c).remove("rlimits");
        assertEquals("process.user.uid: 4294967296 is out of range [0, 4294967295]", error(c));
        TestConfigs.process(c).put("user", TestConfigs.json("{\"uid\":123456789012345678901234,\"gid\":0}"));
        assertEquals("process.user.uid: 123456789012345678901234 is out of range [0, 4294967295]", error(c));
        TestConfigs.process(c).put("user", TestConfigs.json("{\"uid\":1.5,\"gid\":0}"));
        assertEquals("process.user.uid: expected an integer, found a number", error(c));
        TestConfigs.process(c).put("user", TestConfigs.json("{\"uid\":0,\"gid\":0}"));
        TestConfigs.process(c).put("rlimits", TestConfigs.json("[{\"type\":\"RLIMIT_BOGUS\",\"hard\":1,\"soft\":1}]"));
        assertEquals("process.rlimits[0].type: unknown rlimit \"RLIMIT_BOGUS\"", error(c));
    }
}
