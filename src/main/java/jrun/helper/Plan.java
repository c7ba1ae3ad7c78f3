package jrun.helper;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Encodes steps in the helper's wire format (see src/main/c/helper.c, read_plan):
 * "JRUNHLP1", u32 version, u32 Java's pid, u32 step count; per step u16 opcode, u16 field count,
 * then each field as u32 length + bytes. Little-endian throughout.
 */
public final class Plan {
    public static final String MAGIC = "JRUNHLP1";
    public static final int VERSION = 2;

    private Plan() {}

    public static byte[] encode(List<Step> steps, long javaPid) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        out.writeBytes(MAGIC.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(le(12).putInt(VERSION).putInt((int) javaPid).putInt(steps.size()).array());
        for (Step s : steps) {
            out.writeBytes(le(4).putShort((short) s.op().code).putShort((short) s.args().size()).array());
            for (int i = 0; i < s.args().size(); i++) field(out, s.op().signature.charAt(i), s.args().get(i));
        }
        return out.toByteArray();
    }

    private static void field(ByteArrayOutputStream out, char type, Object a) {
        byte[] data = switch (type) {
            case 's' -> ((String) a).getBytes(StandardCharsets.UTF_8);
            case 'u' -> le(8).putLong((Long) a).array();
            case 'b' -> (byte[]) a;
            case 'v' -> {
                StringBuilder sb = new StringBuilder();
                for (Object x : (List<?>) a) sb.append((String) x).append('\0');
                yield sb.toString().getBytes(StandardCharsets.UTF_8);
            }
            default -> throw new IllegalArgumentException("signature " + type);
        };
        out.writeBytes(le(4).putInt(data.length).array());
        out.writeBytes(data);
    }

    /**
     * Control messages: per hook state slot n (1, 2, ...), 'S' + u8 n + u32 length + the state JSON the
     * HOOK steps of slot n give on stdin; then 'G' + u32 length + the state of slot 0 (the runtime's
     * view, the seccomp listener's). An empty state keeps the slot's last one.
     */
    public static byte[] go(byte[] state, byte[]... hookStates) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + state.length * (1 + hookStates.length));
        for (int slot = 1; slot <= hookStates.length; slot++) {
            byte[] h = hookStates[slot - 1];
            out.writeBytes(le(6).put((byte) 'S').put((byte) slot).putInt(h.length).array());
            out.writeBytes(h);
        }
        out.writeBytes(le(5).put((byte) 'G').putInt(state.length).array());
        out.writeBytes(state);
        return out.toByteArray();
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
