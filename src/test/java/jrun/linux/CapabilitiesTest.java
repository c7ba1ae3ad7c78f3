package jrun.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jrun.JrunException;
import jrun.spec.Json;
import jrun.testing.Cmd;
import jrun.testing.Require;

class CapabilitiesTest {
    // Docker 20.10's default capability list; its CapEff is the well-known 00000000a80425fb.
    static final List<String> DOCKER = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
            "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
            "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");

    @Test
    void tableMatchesKernelHeader() throws Exception {
        Path header = Require.file(Path.of("/usr/include/linux/capability.h"), "linux-libc-dev");
        Matcher m = Pattern.compile("(?m)^#define\\s+(CAP_[A-Z_]+)\\s+(\\d+)\\s*$").matcher(Files.readString(header));
        int seen = 0;
        while (m.find()) {
            if (m.group(1).equals("CAP_LAST_CAP")) continue;
            assertEquals(Integer.parseInt(m.group(2)), Capabilities.number(m.group(1)), m.group(1));
            assertEquals(m.group(1), Capabilities.name(Integer.parseInt(m.group(2))));
            seen++;
        }
        assertEquals(41, seen, "capabilities defined by the header");
    }

    @Test
    void numbersAndNamesAgree() {
        for (int i = 0; i <= Capabilities.LAST_KNOWN; i++) assertEquals(i, Capabilities.number(Capabilities.name(i)), Capabilities.name(i));
    }

    @Test
    void kernelLastCapMatchesCat() throws Exception {
        String viaCat = Cmd.ok("cat", "/proc/sys/kernel/cap_last_cap").out().strip();
        assertEquals(Integer.parseInt(viaCat), Capabilities.kernelLastCap());
        assertTrue(Capabilities.kernelLastCap() >= 36, "a 2026 kernel knows at least CAP_BLOCK_SUSPEND");
    }

    @Test
    void readLastCapRejectsGarbage(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("cap_last_cap"), "forty\n");
        JrunException e = assertThrows(JrunException.class, () -> Capabilities.readLastCap(f));
        assertEquals(f + ": expected a capability number 0..63, found \"forty\"", e.getMessage());
        Files.writeString(f, "37\n");
        assertEquals(37, Capabilities.readLastCap(f));
    }

    @Test
    void dockerDefaultsGiveTheKnownMask() {
        Map<String, Object> caps = caps(DOCKER, DOCKER, DOCKER, List.of(), List.of());
        Capabilities.Masks m = Capabilities.parse(caps, "process.capabilities", 40, Capabilities.Unknown.REJECT);
        assertEquals(0xa80425fbL, m.bounding());
        assertEquals(0xa80425fbL, m.effective());
        assertEquals(0xa80425fbL, m.permitted());
        assertEquals(0, m.inheritable());
        assertEquals(0, m.ambient());
        assertEquals(0x1ffffffffffL & ~0xa80425fbL, m.boundingDrops(40));
        assertEquals(List.of(), m.warnings());
    }

    @Test
    void unknownNameIsAWarningWithItsPathOrAnError() {
        Map<String, Object> caps = caps(List.of("CAP_KILL", "CAP_FOO"), List.of(), List.of(), List.of(), List.of());
        Capabilities.Masks m = Capabilities.parse(caps, "process.capabilities", 40, Capabilities.Unknown.WARN);
        assertEquals(1L << 5, m.bounding());
        assertEquals(List.of("process.capabilities.bounding[1]: unknown capability \"CAP_FOO\"; ignored, as runc does"),
                m.warnings());
        JrunException e = assertThrows(JrunException.class,
                () -> Capabilities.parse(caps, "process.capabilities", 40, Capabilities.Unknown.REJECT));
        assertEquals("process.capabilities.bounding[1]: unknown capability \"CAP_FOO\"", e.getMessage());
    }

    @Test
    void capabilityAboveTheKernelsLastIsUnavailable() {
        // CAP_BPF is 39: a kernel with cap_last_cap 37 (5.7-era) does not have it
        Map<String, Object> caps = caps(List.of("CAP_BPF", "CAP_AUDIT_READ"), List.of(), List.of(), List.of(), List.of());
        Capabilities.Masks m = Capabilities.parse(caps, "process.capabilities", 37, Capabilities.Unknown.WARN);
        assertEquals(1L << 37, m.bounding());
        assertEquals(1, m.warnings().size());
        assertTrue(m.warnings().get(0).startsWith("process.capabilities.bounding[0]: capability \"CAP_BPF\" (39) is not known to this kernel"));
        assertEquals(0x3fffffffffL & ~(1L << 37), m.boundingDrops(37));
    }

    @Test
    void lowercaseOrUnprefixedNamesAreUnknownAsInRunc() {
        assertEquals(-1, Capabilities.number("cap_kill"));
        assertEquals(-1, Capabilities.number("KILL"));
        assertEquals(40, Capabilities.number("CAP_CHECKPOINT_RESTORE"));
    }

    @Test
    void ambientMustBeRaisableAndEffectiveMustBePermitted() {
        Map<String, Object> amb = caps(List.of("CAP_NET_ADMIN"), List.of(), List.of("CAP_NET_ADMIN"), List.of(), List.of("CAP_NET_ADMIN"));
        // (inheritable empty: the ambient check, not the bounding one, fires)
        JrunException e = assertThrows(JrunException.class,
                () -> Capabilities.parse(amb, "process.capabilities", 40, Capabilities.Unknown.REJECT));
        assertEquals("process.capabilities.ambient: [CAP_NET_ADMIN] must also be in permitted and inheritable; "
                + "the kernel refuses to raise it", e.getMessage());
        Map<String, Object> eff = caps(List.of(), List.of("CAP_SYS_ADMIN"), List.of(), List.of(), List.of());
        e = assertThrows(JrunException.class, () -> Capabilities.parse(eff, "process.capabilities", 40, Capabilities.Unknown.REJECT));
        assertTrue(e.getMessage().startsWith("process.capabilities.effective: [CAP_SYS_ADMIN] not in the permitted set"));
        Map<String, Object> inh = caps(List.of(), List.of(), List.of(), List.of("CAP_NET_ADMIN"), List.of());
        e = assertThrows(JrunException.class, () -> Capabilities.parse(inh, "process.capabilities", 40, Capabilities.Unknown.REJECT));
        assertEquals("process.capabilities.inheritable: [CAP_NET_ADMIN] not in the bounding set; capset(2) would refuse it", e.getMessage());
        Map<String, Object> ok = caps(List.of("CAP_NET_ADMIN"), List.of(), List.of("CAP_NET_ADMIN"), List.of("CAP_NET_ADMIN"), List.of("CAP_NET_ADMIN"));
        assertEquals(1L << 12, Capabilities.parse(ok, "p", 40, Capabilities.Unknown.REJECT).ambient());
    }

    @Test
    void wrongTypesNameThePath() {
        @SuppressWarnings("unchecked")
        Map<String, Object> caps = (Map<String, Object>) Json.parse("{\"bounding\":[\"CAP_KILL\", 5]}");
        JrunException e = assertThrows(JrunException.class,
                () -> Capabilities.parse(caps, "process.capabilities", 40, Capabilities.Unknown.WARN));
        assertEquals("process.capabilities.bounding[1]: expected a string, found a number", e.getMessage());
        assertEquals(0, Capabilities.parse(null, "process.capabilities", 40, Capabilities.Unknown.WARN).bounding());
    }

    static Map<String, Object> caps(List<String> b, List<String> e, List<String> p, List<String> i, List<String> a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bounding", List.copyOf(b));
        m.put("effective", List.copyOf(e));
        m.put("permitted", List.copyOf(p));
        m.put("inheritable", List.copyOf(i));
        m.put("ambient", List.copyOf(a));
        return m;
    }
}
