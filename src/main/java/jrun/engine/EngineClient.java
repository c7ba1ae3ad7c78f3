package jrun.engine;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Java's side of the engine's control requests (ping, status, stop): no fds, so the JDK's channel does. */
public final class EngineClient {
    private EngineClient() {}

    /** Sends a control request (JRUNPING, JRUNSTAT, JRUNSTOP); the engine's text, or null if none answers. */
    public static String ask(Path socket, String what) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            byte[] body = (what + "\0").getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).flip();
            while (b.hasRemaining()) ch.write(b);
            ByteBuffer in = ByteBuffer.allocate(4096);
            java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
            while (ch.read(in) > 0) {
                text.write(in.array(), 0, in.position());
                in.clear();
            }
            String s = text.toString(StandardCharsets.UTF_8);
            return s.isEmpty() || s.equals("F") ? null : s;
        } catch (IOException e) {
            return null;
        }
    }
}
