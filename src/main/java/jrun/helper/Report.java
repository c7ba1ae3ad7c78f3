package jrun.helper;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One message from the helper: kind ('P' pid, 'B' barrier, 'R' ready, 'E' error), the step
 * index, an errno, a value (the pid for 'P') and a message. On the wire: u8 kind, 3 pad
 * bytes, i32 step, i32 errno, u32 value, u32 message length, message.
 */
public record Report(char kind, int step, int errno, long value, String message) {
    /** The next report, or null at EOF (after EXEC: the pipe is close-on-exec). */
    public static Report read(InputStream in) throws IOException {
        byte[] hdr = in.readNBytes(20);
        if (hdr.length == 0) return null;
        if (hdr.length < 20) throw new EOFException("truncated report from the helper");
        ByteBuffer b = ByteBuffer.wrap(hdr).order(ByteOrder.LITTLE_ENDIAN);
        char kind = (char) (b.get(0) & 0xff);
        int step = b.getInt(4), errno = b.getInt(8);
        long value = Integer.toUnsignedLong(b.getInt(12));
        int len = b.getInt(16);
        if (len < 0 || len > 65536 || "PBRE".indexOf(kind) < 0) throw new IOException("malformed report from the helper");
        byte[] msg = in.readNBytes(len);
        if (msg.length < len) throw new EOFException("truncated report from the helper");
        return new Report(kind, step, errno, value, new String(msg, StandardCharsets.UTF_8));
    }
}
