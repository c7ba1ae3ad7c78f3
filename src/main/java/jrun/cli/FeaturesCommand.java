package jrun.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jrun.JrunException;
import jrun.linux.Capabilities;
import jrun.linux.seccomp.SeccompFeatures;
import jrun.spec.Json;

/** jrun features: the runtime-spec features document, saying only what jrun really applies. */
final class FeaturesCommand implements Command {
    static final String[] SPEC = {"features", "", "print what this runtime supports",
            """
            Prints the runtime-spec features document as JSON: the hooks, mount options, namespaces, \
            capabilities, cgroup controllers and seccomp actions, operators and architectures jrun \
            really applies.""",
    };

    @Override
    public String[] spec() {
        return SPEC;
    }

    @Override
    public int run(Globals g, List<String> args) {
        if (!Args.parse(SPEC, args, (n, v) -> { }).isEmpty())
            throw JrunException.usage("features: takes no arguments");
        String text;
        try (InputStream in = FeaturesCommand.class.getResourceAsStream("/jrun/features.json")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new JrunException("jar is missing /jrun/features.json");
        }
        jrun.Invocation.current().out().println(Json.write(withLinux(text), Json.Style.TWO_SPACES));
        return 0;
    }

    /** The static document plus what jrun.linux knows: capability names, the seccomp compiler's actions and archs. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> withLinux(String text) {
        Map<String, Object> doc = (Map<String, Object>) Json.parse(text);
        Map<String, Object> linux = (Map<String, Object>) doc.get("linux");
        linux.put("capabilities", new ArrayList<Object>(Capabilities.names()));
        Map<String, Object> sec = new LinkedHashMap<>();
        sec.put("enabled", true);
        sec.put("actions", new ArrayList<Object>(SeccompFeatures.ACTIONS));
        sec.put("operators", new ArrayList<Object>(SeccompFeatures.OPERATORS));
        sec.put("archs", new ArrayList<Object>(SeccompFeatures.archs()));
        List<Object> flags = new ArrayList<>(SeccompFeatures.FLAGS);
        sec.put("knownFlags", flags);
        sec.put("supportedFlags", new ArrayList<Object>(SeccompFeatures.supportedFlags(System.getProperty("os.version"))));
        linux.put("seccomp", sec);
        return doc;
    }
}
