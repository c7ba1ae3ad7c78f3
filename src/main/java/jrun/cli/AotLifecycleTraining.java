package jrun.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The AOT training's real containers (root only, with /bin/busybox): create, state, start,
 * kill, exec, delete and run of busybox bundles through JrunMain, exactly as the launcher calls
 * them. A class the cache lacks is loaded from the jar, whose first opening costs several
 * milliseconds of every command that meets it, so the real path must be in the cache, not a
 * likeness of it. Everything made here is deleted before returning, even on failure.
 */
final class AotLifecycleTraining {
    private AotLifecycleTraining() {}

    private static final String[] IDS = {"t-true", "t-sleep", "t-run"};

    static void run(Path dir) throws IOException {
        Path busybox = Path.of("/bin/busybox");
        if (!isRoot() || !Files.isExecutable(busybox)) {
            System.err.println("AOT training: no real containers (needs root and /bin/busybox); commands will load some classes from the jar");
            return;
        }
        Path root = dir.resolve("life-root");
        Path once = bundle(dir.resolve("life-true"), busybox, "\"/bin/true\"");
        // with a hook at host and container stages, as Docker and Podman bundles often have
        String config = Files.readString(once.resolve("config.json"));
        Files.writeString(once.resolve("config.json"), config.replaceFirst("\\{", "{\"hooks\": {"
                + "\"createRuntime\": [{\"path\": \"/bin/busybox\", \"args\": [\"true\"]}],"
                + "\"createContainer\": [{\"path\": \"/bin/true\"}], \"startContainer\": [{\"path\": \"/bin/true\"}],"
                + "\"poststart\": [{\"path\": \"/bin/true\"}], \"poststop\": [{\"path\": \"/bin/true\"}]},"));
        Path sleeper = bundle(dir.resolve("life-sleep"), busybox, "\"/bin/sleep\", \"30\"");
        String r = root.toString();
        try {
            for (int i = 0; i < 3; i++) {
                jrun("--root", r, "create", "--bundle", once.toString(), "--pid-file", dir.resolve("pid").toString(), IDS[0]);
                jrun("--root", r, "state", IDS[0]);
                jrun("--root", r, "start", IDS[0]);
                jrun("--root", r, "--log", dir.resolve("log.json").toString(), "--log-format", "json", "delete", IDS[0]);
                jrun("--root", r, "delete", "--force", IDS[0]);

                jrun("--root", r, "create", "--bundle", sleeper.toString(), IDS[1]);
                jrun("--root", r, "start", IDS[1]);
                jrun("--root", r, "exec", IDS[1], "/bin/true");
                jrun("--root", r, "list", "--format", "json");
                jrun("--root", r, "kill", IDS[1], "KILL");
                jrun("--root", r, "delete", "--force", IDS[1]);

                jrun("--root", r, "run", "--bundle", once.toString(), IDS[2]);
            }
        } finally {
            for (String id : IDS) jrun("--root", r, "delete", "--force", id);
        }
    }

    /** As main does: its argv is an Arrays.asList, whose subList class differs from List.of's. */
    private static void jrun(String... argv) {
        JrunMain.run(java.util.Arrays.asList(argv));
    }

    /** A busybox bundle from `jrun spec`, its process replaced by args (a JSON list's inside). */
    private static Path bundle(Path b, Path busybox, String args) throws IOException {
        Path bin = Files.createDirectories(b.resolve("rootfs/bin"));
        Files.copy(busybox, bin.resolve("busybox"), StandardCopyOption.REPLACE_EXISTING);
        for (String applet : new String[] {"true", "sleep", "sh"})
            if (!Files.exists(bin.resolve(applet), LinkOption.NOFOLLOW_LINKS)) Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
        Files.deleteIfExists(b.resolve("config.json"));
        jrun("spec", "--bundle", b.toString());
        String config = Files.readString(b.resolve("config.json"))
                .replace("\"terminal\": true", "\"terminal\": false")
                .replaceFirst("\"args\": \\[[^\\]]*\\]", "\"args\": [" + args + "]");
        Files.writeString(b.resolve("config.json"), config);
        return b;
    }

    private static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
