package jrun.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import jrun.JrunException;
import jrun.spec.Json;

class EditsTest {
    private Map<String, Object> config = TestSupport.dockerConfig();

    /** Applies a rule with these edits (a YAML flow list) to the config; returns the result. */
    private RuleSet.Result edit(String edits) {
        return TestSupport.yaml("version: 1\nrules:\n  - name: r\n    edits: " + edits + "\n").apply(config, TestSupport.ctx());
    }

    private String at(String pointer) {
        Object v = TestSupport.at(config, pointer);
        return v == JsonPatch.MISSING ? "MISSING" : Json.write(v);
    }

    private String failure(String edits) {
        return assertThrows(JrunException.class, () -> edit(edits)).getMessage();
    }

    @Test
    void rfc6902AddReplaceRemove() {
        assertTrue(edit("[{op: add, path: /annotations, value: {a: \"1\"}}, {op: add, path: /process/args/-, value: x},"
                + " {op: add, path: /process/args/0, value: first}, {op: replace, path: /hostname, value: h},"
                + " {op: remove, path: /linux/maskedPaths}, {op: add, path: /annotations/a~1b~0c, value: y}]").changed());
        assertEquals("{\"a\":\"1\",\"a/b~c\":\"y\"}", at("/annotations"));
        assertEquals("[\"first\",\"sh\",\"x\"]", at("/process/args"));
        assertEquals("\"h\"", at("/hostname"));
        assertEquals("MISSING", at("/linux/maskedPaths"));
    }

    @Test
    void rfc6902MoveCopyTest() {
        edit("[{op: copy, from: /hostname, path: /domainname}, {op: move, from: /linux/readonlyPaths, path: /annotations},"
                + " {op: test, path: /domainname, value: 3f4e5d6c7b8a}]");
        assertEquals("\"3f4e5d6c7b8a\"", at("/domainname"));
        assertEquals("MISSING", at("/linux/readonlyPaths"));
        assertTrue(at("/annotations").startsWith("[\"/proc/bus\""));
    }

    @Test
    void rfc6902Errors() {
        assertEquals("test.yaml:3:5: rule r: remove /nope: no value at /nope", failure("[{op: remove, path: /nope}]"));
        assertEquals("test.yaml:3:5: rule r: add /a/b: no object or array at /a (on the way to /a/b)", failure("[{op: add, path: /a/b, value: 1}]"));
        assertEquals("test.yaml:3:5: rule r: add /process/args/5: index 5 is past the end of the array (size 1) in /process/args/5",
                failure("[{op: add, path: /process/args/5, value: 1}]"));
        assertEquals("test.yaml:3:5: rule r: move /linux/x: cannot move /linux into itself", failure("[{op: move, from: /linux, path: /linux/x}]"));
    }

    @Test
    void keyedSelectorsInPointers() {
        edit("[{op: add, path: \"/mounts/[destination=/etc//hosts/]/options/-\", value: ro},"
                + " {op: replace, path: \"/mounts/[destination=/etc/hostname]/source\", value: /x},"
                + " {op: remove, path: \"/mounts/[destination=/proc]\"},"
                + " {op: add, path: \"/process/rlimits\", value: [{type: RLIMIT_NOFILE, soft: 1, hard: 2}]},"
                + " {op: add, path: \"/process/rlimits/[type=RLIMIT_NOFILE]\", value: {type: RLIMIT_NOFILE, soft: 3, hard: 4}},"
                + " {op: add, path: \"/process/rlimits/[type=RLIMIT_CORE]\", value: {type: RLIMIT_CORE, soft: 0, hard: 0}},"
                + " {op: test, path: \"/linux/resources/devices/[minor=3]/access\", value: rwm}]");
        assertEquals("[\"rbind\",\"rprivate\",\"ro\"]", at("/mounts/8/options"));
        assertEquals("\"/x\"", at("/mounts/7/source"));
        assertEquals("\"/dev\"", at("/mounts/0/destination"));
        assertEquals("[{\"type\":\"RLIMIT_NOFILE\",\"soft\":3,\"hard\":4},{\"type\":\"RLIMIT_CORE\",\"soft\":0,\"hard\":0}]", at("/process/rlimits"));
        assertEquals("test.yaml:3:5: rule r: remove /mounts/[destination=/nope]: no value at /mounts/[destination=/nope]",
                failure("[{op: remove, path: \"/mounts/[destination=/nope]\"}]"));
        assertThrows(IllegalArgumentException.class, () -> JsonPatch.tokens("/mounts/[destination=/x"));
        assertThrows(IllegalArgumentException.class, () -> JsonPatch.tokens("/mounts/[nofield]/x"));
        assertEquals(java.util.List.of("mounts", "[destination=/a/b]", "options", "-"), JsonPatch.tokens("/mounts/[destination=/a/b]/options/-"));
    }

    @Test
    void failedTestRollsTheWholeRuleBack() {
        RuleSet.Result r = edit("[{op: add, path: /hostname, value: changed}, {op: test, path: /process/user/uid, value: 1000}]");
        assertFalse(r.changed());
        assertEquals(RuleSet.Kind.SKIPPED, r.outcomes().get(0).kind());
        assertEquals("test /process/user/uid: found 0, not 1000", r.outcomes().get(0).why());
        assertEquals("\"3f4e5d6c7b8a\"", at("/hostname"));
    }

    @Test
    void mergePatch() {
        assertTrue(edit("[{merge: {hostname: null, linux: {resources: {memory: {limit: 100}}, sysctl: {net.core.somaxconn: \"1024\"}}}}]").changed());
        assertEquals("MISSING", at("/hostname"));
        assertEquals("{\"disableOOMKiller\":false,\"limit\":100}", at("/linux/resources/memory"));
        assertEquals("\"1024\"", at("/linux/sysctl/net.core.somaxconn"));
        assertFalse(edit("[{merge: {linux: {resources: {memory: {limit: 100}}}}}]").changed(), "merging what is there changes nothing");
    }

    @Test
    void mountOptionsRemoveAndSet() {
        edit("[{mount: {destination: /etc//hosts/, addOptions: [ro, nosuid], removeOptions: [rprivate]}}]");
        assertEquals("[\"rbind\",\"ro\",\"nosuid\"]", at("/mounts/9/options"));
        edit("[{mount: {destination: /etc/hostname, remove: true}}]");
        assertEquals("\"/etc/hosts\"", at("/mounts/8/destination"));
        edit("[{mount: {destination: /etc/hosts, set: {type: tmpfs, source: tmpfs, options: [ro]}}},"
                + " {mount: {destination: /data, set: {type: bind, source: /srv/data, options: [rbind, ro]}}}]");
        assertEquals("{\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"ro\"],\"destination\":\"/etc/hosts\"}", at("/mounts/8"));
        assertEquals("\"/data\"", at("/mounts/9/destination"));
    }

    @Test
    void env() {
        edit("[{env: {default: {HOSTNAME: other, TZ: UTC}, force: {PATH: /bin, N: 1}, remove: [HOSTNAME]}}]");
        assertEquals("[\"PATH=/bin\",\"TZ=UTC\",\"N=1\"]", at("/process/env"));
    }

    @Test
    void hooksAppendPrependAndPrechroot() {
        edit("[{hook: {stage: prestart, position: prepend, path: /bin/first, args: [first, a]}},"
                + " {hook: {stage: prestart, path: /bin/last, timeout: 3}}, {hook: {stage: prechroot, path: /bin/pc}}]");
        assertEquals("[\"/bin/first\",\"/proc/1234/exe\",\"/bin/last\"]",
                Json.write(((java.util.List<?>) TestSupport.at(config, "/hooks/prestart")).stream().map(h -> ((Map<?, ?>) h).get("path")).toList()));
        assertEquals("3", at("/hooks/prestart/2/timeout"));
        assertEquals("[{\"path\":\"/bin/pc\"}]", at("/hooks/prechroot"));
        assertFalse(edit("[{hook: {stage: prechroot, path: /bin/pc}}]").changed(), "the same hook is not added twice");
    }

    @Test
    void devicesFromTheHostNodeWithCgroupRule() {
        edit("[{device: {path: /dev/fuse}}, {device: {path: /dev/disk0, hostPath: /dev/sda, access: r}},"
                + " {device: {path: /dev/mine, type: c, major: 1, minor: 2, fileMode: 0o600, uid: 5}}]");
        assertEquals("{\"path\":\"/dev/fuse\",\"type\":\"c\",\"major\":10,\"minor\":229,\"fileMode\":438}", at("/linux/devices/0"));
        assertEquals("{\"path\":\"/dev/disk0\",\"type\":\"b\",\"major\":8,\"minor\":0,\"fileMode\":432}", at("/linux/devices/1"));
        assertEquals("{\"path\":\"/dev/mine\",\"type\":\"c\",\"major\":1,\"minor\":2,\"fileMode\":384,\"uid\":5}", at("/linux/devices/2"));
        assertEquals("{\"allow\":true,\"type\":\"c\",\"major\":10,\"minor\":229,\"access\":\"rwm\"}", at("/linux/resources/devices/2"));
        assertEquals("{\"allow\":true,\"type\":\"b\",\"major\":8,\"minor\":0,\"access\":\"r\"}", at("/linux/resources/devices/3"));
        assertFalse(edit("[{device: {path: /dev/fuse}}]").changed(), "adding the same device again changes nothing");
        assertEquals("test.yaml:3:5: rule r: device /dev/nope: cannot stat the host node: no such file", failure("[{device: {path: /dev/nope}}]"));
    }

    @Test
    void realHostDeviceNode() {
        HostDevices.Node n = HostDevices.HOST.stat("/dev/null");
        assertEquals(new HostDevices.Node("c", 1, 3, 0666, 0, 0), n);
    }

    @Test
    void capabilitiesAddDropAcrossSets() {
        edit("[{capabilities: {add: [sys_ptrace], drop: [CAP_NET_RAW, MKNOD]}}]");
        for (String set : CapabilityEdit.ALL_SETS) {
            String caps = at("/process/capabilities/" + set);
            assertFalse(caps.contains("CAP_NET_RAW") || caps.contains("CAP_MKNOD"), set);
            assertEquals(!set.equals("inheritable") && !set.equals("ambient"), caps.contains("CAP_SYS_PTRACE"), set);
        }
        edit("[{capabilities: {drop: [ALL]}}]");
        assertEquals("[]", at("/process/capabilities/bounding"));
    }

    @Test
    void rlimits() {
        edit("[{rlimit: {type: nofile, soft: 10, hard: 20}}, {rlimit: {type: RLIMIT_CORE, soft: 0, hard: 0}}]");
        edit("[{rlimit: {type: NOFILE, soft: 30, hard: 40}}, {rlimit: {type: core, remove: true}}]");
        assertEquals("[{\"type\":\"RLIMIT_NOFILE\",\"hard\":40,\"soft\":30}]", at("/process/rlimits"));
    }

    @Test
    void annotations() {
        edit("[{annotations: {set: {a: x, b: \"1\"}}}, {annotations: {default: {a: y, c: z}, remove: [b]}}]");
        assertEquals("{\"a\":\"x\",\"c\":\"z\"}", at("/annotations"));
    }

    @Test
    void seccompRulesAndProfile() {
        edit("[{seccomp: {syscalls: [{names: [ptrace], action: SCMP_ACT_ERRNO}, {names: [bpf], action: SCMP_ACT_ERRNO}]}}]");
        assertEquals("[\"ptrace\"]", at("/linux/seccomp/syscalls/0/names"));
        assertEquals("[\"bpf\"]", at("/linux/seccomp/syscalls/1/names"));
        assertEquals("[\"accept\",\"read\",\"write\",\"exit_group\"]", at("/linux/seccomp/syscalls/2/names"));
        edit("[{seccomp: {profile: {defaultAction: SCMP_ACT_LOG}}}]");
        assertEquals("{\"defaultAction\":\"SCMP_ACT_LOG\"}", at("/linux/seccomp"));
        config.put("linux", new java.util.LinkedHashMap<>());
        edit("[{seccomp: {position: append, syscalls: [{names: [ptrace], action: SCMP_ACT_ERRNO}]}}]");
        assertEquals("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"ptrace\"],\"action\":\"SCMP_ACT_ERRNO\"}]}", at("/linux/seccomp"));
    }

    @Test
    void recordAnnotation() {
        RuleSet rs = TestSupport.yaml("version: 1\nrules:\n  - name: a\n    record: true\n    edits: [{env: {force: {A: b}}}]\n"
                + "  - name: b\n    record: true\n    when: {uid: 7}\n    edits: [{env: {force: {A: c}}}]\n"
                + "  - name: c\n    record: true\n    edits: [{env: {force: {A: b}}}]\n");
        rs.apply(config, TestSupport.ctx());
        assertEquals("\"a,c\"", at("/annotations/" + RuleSet.RECORD_ANNOTATION.replace("/", "~1")));
    }

    @Test
    void presetsAreEditsOfTheSameEngine() {
        RuleSet presets = RuleSet.of(java.util.List.of(Rule.preset("ro", MountOptionsEdit.readonlyNetworkingMounts()),
                Rule.preset("env", EnvEdit.parse(EnvEdit.Mode.FORCE, "HOSTNAME=x", "--oi-env-force"))));
        RuleSet.Result r = presets.apply(config, TestSupport.ctx());
        assertEquals(RuleSet.Kind.EDITED, r.outcomes().get(0).kind());
        assertEquals("[\"rbind\",\"rprivate\",\"ro\"]", at("/mounts/7/options"));
        assertEquals("\"HOSTNAME=x\"", at("/process/env/1"));
    }
}
