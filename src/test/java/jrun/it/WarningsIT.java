package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import jrun.testing.Sandbox;

/** An ignored unknown capability is a warning where runc puts it: stderr without --log, the log with it. */
@Timeout(120)
class WarningsIT extends WithSandbox {
    @SuppressWarnings("unchecked")
    private Path bundle() throws Exception {
        return sb.bundle("b", c -> {
            Sandbox.args(c, "true");
            Map<String, Object> caps = (Map<String, Object>) Sandbox.process(c).get("capabilities");
            ((List<Object>) caps.get("bounding")).add("CAP_BOGUS");
        });
    }

    @Test
    void anUnknownCapabilityIsAWarningOnStderrWithoutALog() throws Exception {
        Sandbox.Result r = sb.jrun("create", "--bundle", bundle().toString(), "w1").ok();
        assertTrue(r.err().startsWith("jrun: warning: process.capabilities.bounding["), r.err());
        assertTrue(r.err().contains("unknown capability \"CAP_BOGUS\""), r.err());
        sb.jrun("delete", "--force", "w1").ok();
    }

    @Test
    void withALogTheWarningGoesThereAndNotOnStderr() throws Exception {
        Path log = sb.dir.resolve("log");
        Sandbox.Result r = sb.jrun("--log", log.toString(), "create", "--bundle", bundle().toString(), "w2").ok();
        assertEquals("", r.err());
        assertTrue(Files.readString(log).contains("CAP_BOGUS"), Files.readString(log));
        sb.jrun("delete", "--force", "w2").ok();
    }
}
