package jrun.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

    /** config.json, exec's --process and update's --resources: over 4 MiB, one line naming the file or the flag's stdin. */
    @Test
    void jsonInputsOverFourMebibytesAreNamed() throws Exception {
        String pad = "x".repeat(5 << 20);
        Path big = sb.bundle("big", c -> {
            Sandbox.args(c, "true");
            c.put("annotations", new java.util.LinkedHashMap<>(java.util.Map.of("pad", pad)));
        });
        Sandbox.Result r = sb.jrun("create", "--bundle", big.toString(), "l2");
        LifecycleErrorsIT.failed(r, big.resolve("config.json") + ": larger than the limit of 4194304 bytes; not read");
        LifecycleErrorsIT.nothingLeftOf(sb, "l2");

        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        sb.jrun("create", "--bundle", b.toString(), "l3").ok();
        try {
            String jrun = Sandbox.JRUN + " --root " + sb.jrunRoot;
            String stdin = "{ printf '{\"args\":[\"true\"],\"cwd\":\"/\",\"env\":[\"A='; head -c 5000000 /dev/zero | tr '\\0' x; printf '\"]}'; } | ";
            r = sb.sh(stdin + jrun + " exec --process - l3");
            LifecycleErrorsIT.failed(r, "--process - (stdin): larger than the limit of 4194304 bytes; not read");
            java.nio.file.Files.writeString(sb.dir.resolve("process.json"), "{\"args\":[\"true\"],\"cwd\":\"/\",\"env\":[\"A=" + pad + "\"]}");
            r = sb.jrun("exec", "--process", sb.dir.resolve("process.json").toString(), "l3");
            LifecycleErrorsIT.failed(r, "--process " + sb.dir.resolve("process.json") + ": larger than the limit of 4194304 bytes; not read");
            r = sb.sh("{ printf '{\"pids\":{\"limit\":1'; head -c 5000000 /dev/zero | tr '\\0' 0; printf '}}'; } | " + jrun + " update --resources - l3");
            LifecycleErrorsIT.failed(r, "--resources - (stdin): larger than the limit of 4194304 bytes; not read");
            assertEquals(0, sb.jrun("exec", "l3", "true").status(), "the container still works");
        } finally {
            sb.jrun("delete", "--force", "l3");
        }
    }
}
