package jrun.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jrun.JrunException;
import jrun.rules.Context;
import jrun.rules.HostDevices;
import jrun.rules.RuleFile;
import jrun.rules.RuleSet;
import jrun.spec.ConfigFile;
import jrun.spec.ConfigTree;
import jrun.spec.Json;
import jrun.spec.JsonSyntaxException;
import jrun.spec.Spec;

/**
 * What is fuzzed, and what counts as a crash. An input may be refused, but only as a JrunException
 * (or the JSON reader's JsonSyntaxException, which callers turn into one) with a message;
 * anything else thrown (a NullPointerException, a ClassCastException, a StackOverflowError) or a
 * refusal without a message is a crash (a line break quoted from the input is escaped where it is
 * printed, jrun.cli.ErrorLog.oneLine). The command line is fuzzed in a separate JVM
 * (CliFuzzMain), so a command cannot touch anything outside a private directory.
 */
final class Targets {
    private Targets() {}

    /** A fuzz target: seeds to mutate, and a check of one input that throws Crash for a bad outcome. */
    interface Target {
        String name();

        List<byte[]> seeds();

        /** Mutates seed (a byte edit, or a tree edit where the input is JSON). */
        byte[] mutate(Mutator m, byte[] seed, List<byte[]> seeds);

        void check(byte[] input);
    }

    static final class Crash extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Crash(String what, Throwable cause) {
            super(what, cause);
        }
    }

    static final List<Target> ALL = List.of(new ConfigTarget(), new RulesTarget(false), new RulesTarget(true));

    static Target byName(String name) {
        for (Target t : ALL) if (t.name().equals(name)) return t;
        throw new IllegalArgumentException("no fuzz target " + name);
    }

    static byte[] resource(String name) {
        try (InputStream in = Targets.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("test resource " + name + " missing");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs the code under test; a refusal as a one-line JrunException or JsonSyntaxException is fine. */
    static void refusedCleanly(Runnable r) {
        try {
            r.run();
        } catch (JrunException | JsonSyntaxException e) {
            String m = e.getMessage();
            if (m == null || m.isBlank()) throw new Crash("refused without a message", e);
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            throw new Crash(e.toString(), e);
        }
    }

    static byte[] treeOrBytes(Mutator m, byte[] seed, List<byte[]> seeds) {
        if (m.random.nextBoolean()) {
            try {
                Object tree = Json.parse(new String(seed, StandardCharsets.UTF_8));
                return Json.write(m.tree(tree)).getBytes(StandardCharsets.UTF_8);
            } catch (RuntimeException notJson) { // a mutated seed: bytes instead
            }
        }
        return m.bytes(seed, seeds);
    }

    static Object yaml(byte[] text) {
        String s = new String(text, StandardCharsets.UTF_8);
        return jrun.rules.YamlReader.parse(s, new jrun.rules.SourceMap("seed.yaml", s));
    }

    /** config.json as create reads it: the document, the root object, the NUL check, the model, its seccomp program. */
    static final class ConfigTarget implements Target {
        public String name() {
            return "config";
        }

        public List<byte[]> seeds() {
            return List.of(resource("/configs/docker-20.10.json"), resource("/configs/podman-4.3.json"),
                    resource("/configs/runc-1.1-spec.json"), resource("/jrun/rules/captured/docker-20.10-priv.json"));
        }

        public byte[] mutate(Mutator m, byte[] seed, List<byte[]> seeds) {
            return treeOrBytes(m, seed, seeds);
        }

        public void check(byte[] input) {
            refusedCleanly(() -> {
                Json.Document doc = ConfigFile.parse(input, java.nio.file.Path.of("config.json"));
                Map<String, Object> tree = ConfigFile.rootObject(doc, java.nio.file.Path.of("config.json"));
                ConfigTree.requireNoNul(tree);
                Spec.from(tree);
                if (tree.get("linux") instanceof Map<?, ?> linux && linux.get("seccomp") instanceof Map<?, ?> sec) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> s = (Map<String, Object>) sec;
                    jrun.linux.seccomp.SeccompCompiler.compile(s, "linux.seccomp");
                }
                Json.write(doc.root(), doc.style()); // written back as the rules write it
            });
        }
    }

    /** A rule file (JSON or YAML) as --rules reads it, then applied to Docker's config. */
    static final class RulesTarget implements Target {
        private final boolean yaml;

        RulesTarget(boolean yaml) {
            this.yaml = yaml;
        }

        public String name() {
            return yaml ? "rules-yaml" : "rules-json";
        }

        public List<byte[]> seeds() {
            List<byte[]> l = new ArrayList<>();
            byte[] training = resource("/jrun/training-rules.yaml");
            if (yaml) {
                l.add(training);
                l.add(resource("/fuzz-seeds/rules.yaml"));
            } else {
                // the YAML seeds as JSON: the same rules through the JSON reader
                l.add(Json.write(yaml(training)).getBytes(StandardCharsets.UTF_8));
                l.add(Json.write(yaml(resource("/fuzz-seeds/rules.yaml")))
                        .getBytes(StandardCharsets.UTF_8));
            }
            return l;
        }

        public byte[] mutate(Mutator m, byte[] seed, List<byte[]> seeds) {
            if (yaml && m.random.nextInt(3) == 0) { // a tree edit, written as JSON (which is YAML)
                try {
                    Object tree = yaml(seed);
                    return Json.write(m.tree(tree)).getBytes(StandardCharsets.UTF_8);
                } catch (RuntimeException notYaml) {
                }
            }
            return yaml ? m.bytes(seed, seeds) : treeOrBytes(m, seed, seeds);
        }

        private static final byte[] DOCKER = resource("/jrun/rules/docker-config.json");

        public void check(byte[] input) {
            refusedCleanly(() -> {
                String text = Json.decodeUtf8(input);
                List<jrun.rules.Rule> rules = RuleFile.parse(yaml ? "fuzz.yaml" : "fuzz.json", text, yaml);
                Map<String, Object> config = ConfigTree.object(Json.parse(new String(DOCKER, StandardCharsets.UTF_8)), "");
                HostDevices none = path -> {
                    throw new JrunException("device " + path + ": cannot stat the host node: no such file");
                };
                RuleSet.of(rules).apply(config, new Context(none, List.of()), true);
            });
        }
    }
}
