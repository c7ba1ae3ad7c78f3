package jrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarmCheckTest {
    @TempDir
    Path dir;

    private String bundle(String config) throws Exception {
        Path b = Files.createDirectories(dir.resolve("b" + config.hashCode()));
        Files.writeString(b.resolve("config.json"), config);
        return b.toString();
    }

    @Test
    void whatNeedsTheCallersProcessIsFoundBeforeTheEngineAccepts() throws Exception {
        String plain = bundle("{\"ociVersion\":\"1.0.0\",\"process\":{\"terminal\":false,\"args\":[\"sh\"]},\"root\":{\"path\":\"rootfs\"}}");
        String tty = bundle("{\"ociVersion\":\"1.0.0\",\"process\":{\"terminal\":true,\"args\":[\"sh\"]},\"root\":{\"path\":\"rootfs\"}}");
        String hooks = bundle("{\"ociVersion\":\"1.0.0\",\"hooks\":{\"prestart\":[{\"path\":\"/bin/true\"}]},\"root\":{\"path\":\"rootfs\"}}");
        String noHooks = bundle("{\"ociVersion\":\"1.0.0\",\"hooks\":{\"prestart\":[]},\"root\":{\"path\":\"rootfs\"}}");
        assertNull(WarmCheck.coldReason(List.of("--root", "/r", "create", "--bundle", plain, "x")));
        assertNull(WarmCheck.coldReason(List.of("create", "-b", noHooks, "x")));
        assertEquals("hooks", WarmCheck.coldReason(List.of("create", "--bundle=" + hooks, "x")));
        assertEquals("rules flags", WarmCheck.coldReason(List.of("--rules", "/r.yaml", "create", "--bundle", plain, "x")));
        assertEquals("rules flags", WarmCheck.coldReason(List.of("--oi-env=A=B", "run", "--bundle", plain, "x")));
        // a terminal: create hands it to a console socket; a foreground run without one relays it itself
        assertNull(WarmCheck.coldReason(List.of("create", "--bundle", tty, "--console-socket", "/s", "x")));
        assertNull(WarmCheck.coldReason(List.of("run", "-d", "--bundle", tty, "--console-socket", "/s", "x")));
        assertEquals("the pty relay of a foreground run", WarmCheck.coldReason(List.of("run", "--bundle", tty, "x")));
        assertNull(WarmCheck.coldReason(List.of("run", "--bundle", plain, "x")));
        // exec
        assertNull(WarmCheck.coldReason(List.of("exec", "x", "sh", "-t")));
        assertEquals("the pty relay of a foreground exec", WarmCheck.coldReason(List.of("exec", "-t", "x", "sh")));
        assertNull(WarmCheck.coldReason(List.of("exec", "-t", "--console-socket", "/s", "x", "sh")));
        assertNull(WarmCheck.coldReason(List.of("exec", "-d", "-p", "-", "x")));
        assertEquals("a foreground exec's --process on stdin", WarmCheck.coldReason(List.of("exec", "-p", "-", "x")));
        Path p = Files.writeString(dir.resolve("p.json"), "{\"terminal\":true,\"args\":[\"sh\"],\"cwd\":\"/\"}");
        assertEquals("the pty relay of a foreground exec", WarmCheck.coldReason(List.of("exec", "--process", p.toString(), "x")));
        // bad input is the warm command's to report
        assertNull(WarmCheck.coldReason(List.of("create", "--bundle", dir.resolve("missing").toString(), "x")));
        assertNull(WarmCheck.coldReason(List.of("create", "--nope", "x")));
        assertNull(WarmCheck.coldReason(List.of("state", "x")));
    }
}
