package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jrun.spec.Json;
import jrun.testing.Sandbox;

/**
 * CVE-2022-29162 class: inheritable and ambient capabilities. runc before 1.1.2 gave the process
 * inheritable capabilities nobody asked for, so a non-root user in the container who exec'd a
 * program with inheritable file capabilities gained them. With process.capabilities naming no
 * inheritable and no ambient set, a created and an exec'd process must show CapInh and CapAmb 0;
 * a non-root user running programs with file capabilities (noNewPrivileges off, so they apply at
 * all) gains what a +ep file grants within the bounding set (the proof that file capabilities work
 * here), nothing from a +i file, and a +eip file asking for more than the bounding set fails to
 * exec (the kernel's EPERM for a capability-dumb program). runc 1.1.5 is the control.
 */
class CapsEscapeIT extends EscapeTest {
    /** Each try says so before it runs, so the output shows it was attempted. */
    static final String PROBE = "caps() { grep -E '^Cap(Inh|Prm|Eff|Amb)' /proc/self/status | tr -s '\\t' ' ' | tr '\\n' ' '; echo; }; "
            + "echo self; caps; for f in ep i eip; do echo try-$f; /opt/$f/grep -E '^Cap(Inh|Prm|Eff|Amb)' /proc/self/status"
            + " 2>&1 | tr -s '\\t' ' ' | tr '\\n' ' '; echo; done";
    /** CAP_KILL (bit 5) is in the default bounding set; CAP_SYS_ADMIN (21) and CAP_NET_RAW (13) are not. */
    static final String EXPECTED = """
            self
            CapInh: 0000000000000000 CapPrm: 0000000000000000 CapEff: 0000000000000000 CapAmb: 0000000000000000\s
            try-ep
            CapInh: 0000000000000000 CapPrm: 0000000000000020 CapEff: 0000000000000020 CapAmb: 0000000000000000\s
            try-i
            CapInh: 0000000000000000 CapPrm: 0000000000000000 CapEff: 0000000000000000 CapAmb: 0000000000000000\s
            try-eip
            sh: /opt/eip/grep: Operation not permitted\s
            """;

    /** busybox copies named grep (the applet it runs) with file capabilities, in /opt/{ep,i,eip}. */
    Path bundle(String name, java.util.function.Consumer<Map<String, Object>> edit) throws Exception {
        Path b = sb.bundle(name, c -> {
            Sandbox.process(c).put("noNewPrivileges", Boolean.FALSE);
            edit.accept(c);
        });
        assertEquals(0, Sandbox.exec(List.of("sh", "-c", "command -v setcap"), null).status(),
                "needs setcap (Debian libcap2-bin, installed by .ci/run)");
        Map<String, String> caps = Map.of("ep", "cap_kill+ep", "i", "cap_kill,cap_sys_admin,cap_net_raw+i", "eip", "cap_kill,cap_sys_admin+eip");
        for (Map.Entry<String, String> e : caps.entrySet()) {
            Path grep = Files.createDirectories(b.resolve("rootfs/opt/" + e.getKey())).resolve("grep");
            Files.copy(Path.of("/bin/busybox"), grep);
            Sandbox.exec(List.of("setcap", e.getValue(), grep.toString()), null).ok();
        }
        return b;
    }

    @Test
    void aNonRootUserGainsNothingThroughInheritableFileCapabilities() throws Exception {
        Path b = bundle("b", c -> {
            Sandbox.args(c, "sh", "-c", PROBE);
            Sandbox.process(c).put("user", Json.parse("{\"uid\":1000,\"gid\":1000}"));
        });
        assertEquals(EXPECTED, jrun("run", "--bundle", b.toString(), "caps-jrun").ok().out());
        assertEquals(EXPECTED, sb.runc("run", "--bundle", b.toString(), "caps-runc").ok().out(), "runc 1.1.5 agrees");
    }

    @Test
    void anExecdProcessAsWell() throws Exception {
        Path b = bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        for (String rt : List.of("jrun", "runc")) {
            rt(rt, "run", "--detach", "--bundle", b.toString(), "x-" + rt).ok();
            assertEquals(EXPECTED, rt(rt, "exec", "--user", "1000:1000", "x-" + rt, "sh", "-c", PROBE).ok().out(), rt);
            // root, with a capability added by --cap: into bounding, effective and permitted, never inheritable or ambient
            String root = rt(rt, "exec", "--cap", "CAP_NET_RAW", "x-" + rt, "grep", "-E", "^Cap(Inh|Amb|Bnd)", "/proc/self/status").ok().out();
            assertEquals("CapInh:\t0000000000000000\nCapBnd:\t0000000020002420\nCapAmb:\t0000000000000000\n", root, rt);
        }
    }

    @Test
    void ambientWithoutInheritableIsNotRaised() throws Exception {
        Path b = bundle("b", c -> {
            Sandbox.args(c, "grep", "-E", "^Cap(Inh|Amb)", "/proc/self/status");
            Sandbox.process(c).put("capabilities", Json.parse("{\"bounding\":[\"CAP_KILL\"],\"effective\":[\"CAP_KILL\"],"
                    + "\"permitted\":[\"CAP_KILL\"],\"ambient\":[\"CAP_KILL\"]}"));
        });
        String want = "CapInh:\t0000000000000000\nCapAmb:\t0000000000000000\n";
        assertEquals(want, jrun("run", "--bundle", b.toString(), "amb-jrun").ok().out());
        assertEquals(want, sb.runc("run", "--bundle", b.toString(), "amb-runc").ok().out(), "runc 1.1.5 agrees");
    }
}
