package jrun.helper;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Encodes steps in the helper's wire format (see src/main/c/helper.c, read_plan):
 * "JRUNHLP1", u32 version, u32 Java's pid, u32 step count; per step u16 opcode, u16 field count,
 * then each field as u32 length + bytes. Little-endian throughout.
 */
public final class Plan {
    public static final String MAGIC = "JRUNHLP1";
    public static final int VERSION = 4;
    /** helper.c's MAX_FIELD: the largest field (a path, an argv or env list, a seccomp program) a plan may carry. */
    public static final int MAX_FIELD = 1 << 20;

    private Plan() {}

    public static byte[] encode(List<Step> steps, long javaPid) {
        return assemble(javaPid, steps.size(), body(steps));
    }

    /** The encoded steps alone; assemble joins bodies (encoded on different threads) under one header. */
    public static byte[] body(List<Step> steps) {
        Out out = new Out();
        for (Step s : steps) {
            out.u32(s.op().code | s.args().size() << 16); // u16 code, u16 field count
            for (int i = 0; i < s.args().size(); i++) {
                int start = out.n;
                field(out, s.op().signature.charAt(i), s.args().get(i));
                if (out.n - start - 4 > MAX_FIELD) // the helper refuses it, without knowing what it was
                    throw new jrun.JrunException(fieldName(s, i) + ": too long (" + (out.n - start - 4) + " bytes encoded; the limit is " + MAX_FIELD + ")");
            }
        }
        return java.util.Arrays.copyOf(out.buf, out.n);
    }

    /** What config field step s's field i came from: EXEC carries the program's candidates, args and env. */
    private static String fieldName(Step s, int i) {
        return s.op() == Op.EXEC && i == 2 ? "process.env" : s.origin();
    }

    /**
     * The rest of a plan whose last step so far is MORE: u32 step count, then the steps. The init
     * reads it when it reaches MORE, so Java may send it while the helper runs the first part.
     */
    public static byte[] continuation(List<Step> steps) {
        byte[] body = body(steps);
        Out out = new Out();
        out.u32(steps.size());
        out.bytes(body);
        return java.util.Arrays.copyOf(out.buf, out.n);
    }

    /** The plan: header, then the bodies in order; count is the number of steps in all of them. */
    public static byte[] assemble(long javaPid, int count, byte[]... bodies) {
        Out out = new Out();
        out.bytes(MAGIC.getBytes(StandardCharsets.US_ASCII));
        out.u32(VERSION);
        out.u32((int) javaPid);
        out.u32(count);
        for (byte[] b : bodies) out.bytes(b);
        return java.util.Arrays.copyOf(out.buf, out.n);
    }

    /** plan (from assemble) with another pid in its header: the process whose fds its GETFD steps take. */
    public static byte[] withPid(byte[] plan, long pid) {
        byte[] p = plan.clone();
        for (int i = 0; i < 4; i++) p[12 + i] = (byte) (pid >>> (8 * i));
        return p;
    }

    private static void field(Out out, char type, Object a) {
        switch (type) {
            case 's' -> out.sized(((String) a).getBytes(StandardCharsets.UTF_8));
            case 'u' -> out.u64field((Long) a);
            case 'b' -> out.sized((byte[]) a);
            case 'v' -> {
                StringBuilder sb = new StringBuilder();
                for (Object x : (List<?>) a) sb.append((String) x).append('\0');
                out.sized(sb.toString().getBytes(StandardCharsets.UTF_8));
            }
            default -> throw new IllegalArgumentException("signature " + type);
        }
    }

    /** A little-endian byte sink: ByteBuffer's checked puts cost ~2 ms per plan in the interpreter, which jrun runs in. */
    private static final class Out {
        byte[] buf = new byte[8192];
        int n;

        private void room(int k) {
            if (n + k > buf.length) buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, n + k));
        }

        void u32(int v) {
            room(4);
            buf[n++] = (byte) v;
            buf[n++] = (byte) (v >>> 8);
            buf[n++] = (byte) (v >>> 16);
            buf[n++] = (byte) (v >>> 24);
        }

        /** A 'u' field: u32 length 8, then the value: one call, as a plan has hundreds. */
        void u64field(long v) {
            room(12);
            buf[n] = 8;
            buf[n + 1] = 0;
            buf[n + 2] = 0;
            buf[n + 3] = 0;
            for (int i = 0; i < 8; i++) buf[n + 4 + i] = (byte) (v >>> (8 * i));
            n += 12;
        }

        void bytes(byte[] b) {
            room(b.length);
            System.arraycopy(b, 0, buf, n, b.length);
            n += b.length;
        }

        void sized(byte[] b) {
            u32(b.length);
            bytes(b);
        }
    }

    /**
     * Control messages: per hook state slot n (1, 2, ...), 'S' + u8 n + u32 length + the state JSON the
     * HOOK steps of slot n give on stdin; then 'G' + u32 length + the state of slot 0 (the runtime's
     * view, the seccomp listener's). An empty state keeps the slot's last one.
     */
    public static byte[] go(byte[] state, byte[]... hookStates) {
        Out out = new Out();
        for (int slot = 1; slot <= hookStates.length; slot++) {
            out.bytes(new byte[] {'S', (byte) slot});
            out.sized(hookStates[slot - 1]);
        }
        out.bytes(new byte[] {'G'});
        out.sized(state);
        return java.util.Arrays.copyOf(out.buf, out.n);
    }
}
