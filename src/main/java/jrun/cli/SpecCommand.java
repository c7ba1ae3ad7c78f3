package jrun.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import jrun.JrunException;
import jrun.spec.ConfigFile;

/** jrun spec [--bundle DIR] [--rootless]: writes a starting config.json (never over an existing one). */
final class SpecCommand implements Command {
    static final String[] SPEC = {"spec", "[flags]", "write a starting config.json",
            """
            Writes a config.json to start from into the bundle directory: a shell (sh) with a terminal, \
            in new namespaces, with the usual mounts and a small set of capabilities. An existing \
            config.json is never overwritten.""",
            "--bundle -b", "DIR", "the bundle directory to write config.json into (default: the current directory)",
            "--rootless", "", "a config for a container made by an unprivileged user (a user namespace mapping you to root)",
    };

    private String bundle = ".";
    private boolean rootless;

    @Override
    public String[] spec() {
        return SPEC;
    }

    @Override
    public int run(Globals g, List<String> args) {
        List<String> pos = Args.parse(SPEC, args, (n, v) -> {
            if (n.equals("--rootless")) rootless = Boolean.parseBoolean(v);
            else bundle = v;
        });
        if (!pos.isEmpty()) throw JrunException.usage("spec: takes no arguments");
        Path file = Path.of(bundle, "config.json");
        if (Files.exists(file)) throw new JrunException(file + " exists: remove it first");
        String resource = rootless ? "/jrun/spec-rootless.json" : "/jrun/spec-default.json";
        String text;
        try (InputStream in = SpecCommand.class.getResourceAsStream(resource)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new JrunException("jar is missing " + resource);
        }
        if (rootless) {
            long uid = jrun.runtime.Rootless.effectiveUid(), gid = jrun.runtime.Rootless.effectiveGid();
            text = text.replace("\"@UID@\"", Long.toString(uid)).replace("\"@GID@\"", Long.toString(gid));
        }
        ConfigFile.replaceAtomically(file, text);
        return 0;
    }
}
