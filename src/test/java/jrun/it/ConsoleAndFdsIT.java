package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import jrun.spec.Json;
import jrun.testing.Sandbox;

/** terminal=true through --console-socket, and fds passed with --preserve-fds / LISTEN_FDS. */
class ConsoleAndFdsIT extends WithSandbox {
    /** Collects a stream in the background so the test can wait for text with a deadline. */
    static final class Collector {
        final StringBuffer text = new StringBuffer();

        Collector(InputStream in) {
            Thread.ofVirtual().start(() -> {
                byte[] buf = new byte[4096];
                int n;
                try {
                    while ((n = in.read(buf)) > 0) text.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                } catch (java.io.IOException ignored) {
                    // the process ended
                }
            });
        }

        String await(String needle) throws InterruptedException {
            for (int i = 0; i < 500 && text.indexOf(needle) < 0; i++) Thread.sleep(20);
            assertTrue(text.indexOf(needle) >= 0, "waited for \"" + needle + "\" in: " + text);
            return text.toString();
        }
    }

    @Test
    void aShellThroughThePtyFromTheConsoleSocket() throws Exception {
        Path sock = sb.dir.resolve("tty.sock");
        Process recv = new ProcessBuilder(Sandbox.HOME.resolve("bin/jrun-recvtty").toString(), sock.toString()).start();
        try {
            Collector out = new Collector(recv.getInputStream()), err = new Collector(recv.getErrorStream());
            err.await("listening");
            Path b = sb.bundle("b", c -> {
                Sandbox.process(c).put("terminal", Boolean.TRUE);
                Sandbox.process(c).put("consoleSize", Json.parse("{\"height\":40,\"width\":120}"));
                Sandbox.args(c, "sh");
            });
            sb.jrun("create", "--bundle", b.toString(), "--console-socket", sock.toString(), "tty1").ok();
            sb.jrun("start", "tty1").ok();
            assertTrue(out.await("pty /dev/pts/").startsWith("pty /dev/pts/"));
            OutputStream in = recv.getOutputStream();
            in.write("echo hi-$((1+2)); stty size; tty; readlink /proc/self/fd/0; ls -l /dev/console\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            String text = out.await("hi-3");
            text = out.await("136,"); // the ls line (the echoed command line also says "console")
            assertTrue(text.contains("40 120"), "consoleSize applied: " + text);
            assertTrue(text.contains("\n/dev/pts/0"), "the shell's stdin is the pty: " + text);
            assertTrue(text.matches("(?s).*c[-rwx]{9} +1 0 +\\d+ +136, +0 .*/dev/console.*"), "the pty is bound on /dev/console: " + text);
            in.write("exit 0\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            for (int i = 0; i < 200 && !sb.jrun("state", "tty1").out().contains("stopped"); i++) Thread.sleep(20);
            assertTrue(sb.jrun("state", "tty1").out().contains("\"stopped\""));
            sb.jrun("delete", "tty1").ok();
        } finally {
            recv.destroyForcibly();
        }
    }

    @Test
    void preservedFdsReachTheContainerAndStrayOnesDoNot() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sh", "-c",
                "echo via3 >&3; echo via4 >&4; for f in 3 4 5 6 7; do [ -e /proc/self/fd/$f ] && echo has$f; done; env | grep LISTEN_ | sort"));
        String jrun = Sandbox.JRUN + " --root " + sb.jrunRoot;
        Path f3 = sb.dir.resolve("f3"), f4 = sb.dir.resolve("f4");
        Sandbox.Result r = sb.sh("exec 3>" + f3 + " 4>" + f4 + " 7>/dev/null; " + jrun + " run --preserve-fds 1 --bundle " + b + " fd1");
        assertEquals(0, r.status(), r.err());
        assertEquals(List.of("has3"), r.out().lines().toList(), "fd 3 passed, fd 4 and 7 closed");
        assertEquals("via3\n", Files.readString(f3));
        assertEquals("", Files.readString(f4));

        Sandbox.Result l = sb.sh("exec 3>" + f3 + " 4>" + f4 + " 5>/dev/null; LISTEN_FDS=2 " + jrun + " run --bundle " + b + " fd2");
        assertEquals(0, l.status(), l.err());
        assertEquals(List.of("has3", "has4", "LISTEN_FDS=2", "LISTEN_PID=1"), l.out().lines().toList());
        assertEquals("via4\n", Files.readString(f4));
    }
}
