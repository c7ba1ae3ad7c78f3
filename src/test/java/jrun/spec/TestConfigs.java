package jrun.spec;

import java.util.List;
import java.util.Map;

/** Config trees for tests: a minimal valid config, edited per test through JSON text. */
public final class TestConfigs {
    private TestConfigs() {}

    public static final String MINIMAL = """
            {"ociVersion": "1.2.0",
             "process": {"terminal": false, "user": {"uid": 0, "gid": 0}, "args": ["sh", "-c", "true"],
                         "env": ["PATH=/usr/bin:/bin"], "cwd": "/"},
             "root": {"path": "rootfs"},
             "hostname": "box",
             "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
                        {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755"]}],
             "linux": {"namespaces": [{"type": "pid"}, {"type": "mount"}, {"type": "uts"}, {"type": "ipc"}]}}
            """;

    @SuppressWarnings("unchecked")
    public static Map<String, Object> minimal() {
        return (Map<String, Object>) Json.parse(MINIMAL);
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> linux(Map<String, Object> config) {
        return (Map<String, Object>) config.get("linux");
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> process(Map<String, Object> config) {
        return (Map<String, Object>) config.get("process");
    }

    public static Object json(String text) {
        return Json.parse(text);
    }

    @SuppressWarnings("unchecked")
    public static List<Object> mounts(Map<String, Object> config) {
        return (List<Object>) config.get("mounts");
    }
}
