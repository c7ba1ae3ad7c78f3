package jrun.helper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class PlanTest {
    @Test
    void encodesHeaderStepsAndFields() {
        byte[] b = Plan.encode(List.of(Step.of(Op.SETHOSTNAME, "hostname", "box"), Step.of(Op.UMASK, "u", 18L),
                Step.of(Op.EXEC, "process.args", List.of("/bin/sh"), List.of("sh", "-c"), List.of())), 4242);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("JRUNHLP1", new String(b, 0, 8, StandardCharsets.US_ASCII));
        assertEquals(Plan.VERSION, bb.getInt(8));
        assertEquals(4242, bb.getInt(12));
        assertEquals(3, bb.getInt(16));
        assertEquals(Op.SETHOSTNAME.code, bb.getShort(20));
        assertEquals(1, bb.getShort(22));
        assertEquals(3, bb.getInt(24));
        assertEquals("box", new String(b, 28, 3, StandardCharsets.UTF_8));
        assertEquals(Op.UMASK.code, bb.getShort(31));
        assertEquals(8, bb.getInt(35));
        assertEquals(18L, bb.getLong(39));
        assertEquals(Op.EXEC.code, bb.getShort(47));
        assertEquals(3, bb.getShort(49));
        assertEquals(8, bb.getInt(51)); // "/bin/sh\0"
        assertArrayEquals("/bin/sh\0".getBytes(StandardCharsets.UTF_8), Arrays.copyOfRange(b, 55, 63));
        assertEquals(6, bb.getInt(63)); // "sh\0-c\0"
        assertEquals(0, bb.getInt(73)); // empty env
        assertEquals(77, b.length);
    }

    @Test
    void stepsRejectWrongTypesAndNulBytes() {
        assertThrows(IllegalArgumentException.class, () -> Step.of(Op.UMASK, "x", "022"));
        assertThrows(IllegalArgumentException.class, () -> Step.of(Op.SETHOSTNAME, "x", "a\0b"));
        assertThrows(IllegalArgumentException.class, () -> Step.of(Op.SETHOSTNAME, "x"));
        assertThrows(IllegalArgumentException.class, () -> Step.of(Op.EXEC, "x", List.of("a"), List.of("b\0"), List.of()));
    }

    @Test
    void goMessageCarriesTheState() {
        byte[] g = Plan.go("{}".getBytes(StandardCharsets.UTF_8));
        assertEquals('G', g[0]);
        assertEquals(2, ByteBuffer.wrap(g, 1, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
        assertEquals(7, g.length);
    }

    @Test
    void hookStatesGoFirstInTheirSlots() {
        byte[] g = Plan.go("{}".getBytes(StandardCharsets.UTF_8), "ab".getBytes(StandardCharsets.UTF_8), "c".getBytes(StandardCharsets.UTF_8));
        ByteBuffer bb = ByteBuffer.wrap(g).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals('S', bb.get());
        assertEquals(1, bb.get());
        assertEquals(2, bb.getInt());
        assertEquals('a', bb.get());
        assertEquals('b', bb.get());
        assertEquals('S', bb.get());
        assertEquals(2, bb.get());
        assertEquals(1, bb.getInt());
        assertEquals('c', bb.get());
        assertEquals('G', bb.get());
        assertEquals(2, bb.getInt());
        assertEquals(bb.position() + 2, g.length);
    }

    @Test
    void decodesReports() throws IOException {
        ByteBuffer bb = ByteBuffer.allocate(20 + 5 + 20).order(ByteOrder.LITTLE_ENDIAN);
        bb.put((byte) 'E').put(new byte[3]).putInt(7).putInt(2).putInt(0).putInt(5).put("boom!".getBytes(StandardCharsets.UTF_8));
        bb.put((byte) 'P').put(new byte[3]).putInt(3).putInt(0).putInt(-1).putInt(0);
        ByteArrayInputStream in = new ByteArrayInputStream(bb.array());
        assertEquals(new Report('E', 7, 2, 0, "boom!"), Report.read(in));
        assertEquals(new Report('P', 3, 0, 0xffffffffL, ""), Report.read(in));
        assertEquals(null, Report.read(in));
    }

    @Test
    void rejectsUnknownReportKinds() {
        byte[] b = new byte[20];
        b[0] = 'Z';
        assertThrows(IOException.class, () -> Report.read(new ByteArrayInputStream(b)));
    }
}
