package jrun.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import jrun.testing.Sandbox;

/** A config beyond a documented limit (docs/reliability.md): one line naming the field, nothing left. */
@Timeout(180)
class LimitsIT extends WithSandbox {
    @Test
    void aProcessEnvBeyondTheHelpersFieldLimitIsNamed() throws Exception {
        // 200,000 entries: ~1.9 MB encoded, over the 1 MiB a plan field may carry (1,000,000 fails the same, only slower)
        Path b = sb.bundle("b", c -> {
            Sandbox.args(c, "true");
            List<Object> env = new ArrayList<>();
            for (int i = 0; i < 200_000; i++) env.add("V" + i + "=x");
            Sandbox.process(c).put("env", env);
        });
        Sandbox.Result r = sb.jrun("create", "--bundle", b.toString(), "l1");
        LifecycleErrorsIT.failed(r, "process.env: too long (" + (r.err().replaceAll("(?s).*\\((\\d+) bytes.*", "$1")) + " bytes encoded; the limit is 1048576)");
        LifecycleErrorsIT.nothingLeftOf(sb, "l1");
    }
}
