package jrun.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import jrun.cli.CliFuzzMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fuzzing with jrun's own seeded generator (Mutator), bounded in time: the config parser and model,
 * the rule file readers (JSON, YAML) and the command line (CliFuzzMain, in its own JVM), about
 * 20 s in all. The seed is printed on a failure and the input saved under target/fuzz-crashes/;
 * rerun with -Djrun.fuzz.seed=S (and -Djrun.fuzz.seconds=N for a longer run). Every crash found is
 * kept in src/test/resources/fuzz-corpus/TARGET/, which FuzzCorpusTest replays.
 */
class FuzzTest {
    static final long SEED = Long.getLong("jrun.fuzz.seed", System.nanoTime());
    static final double SECONDS = Double.parseDouble(System.getProperty("jrun.fuzz.seconds", "4"));

    @ParameterizedTest
    @ValueSource(strings = {"config", "rules-json", "rules-yaml"})
    @Timeout(120)
    void mutatedInputsAreRefusedCleanly(String name) throws IOException {
        Targets.Target t = Targets.byName(name);
        List<byte[]> seeds = t.seeds();
        for (byte[] s : seeds) t.check(s); // the seeds themselves pass
        Mutator m = new Mutator(SEED);
        for (byte[] s : seeds) {
            try {
                m.learnKeys(jrun.spec.Json.parse(new String(s, java.nio.charset.StandardCharsets.UTF_8)));
            } catch (RuntimeException yaml) {
                m.learnKeys(Targets.yaml(s));
            }
        }
        long end = System.nanoTime() + (long) (SECONDS * 1e9);
        int n = 0;
        for (; System.nanoTime() < end; n++) {
            byte[] in = t.mutate(m, m.pick(seeds), seeds);
            long t0 = System.nanoTime();
            try {
                t.check(in);
            } catch (Targets.Crash e) {
                Path saved = save(name, n, in);
                throw new AssertionError("fuzz " + name + ": seed " + SEED + ", input " + n + " (saved as " + saved
                        + "; rerun: mvn test -Dtest=FuzzTest -Djrun.fuzz.seed=" + SEED + "): " + e.getMessage(), e.getCause());
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (ms > 3000) {
                Path saved = save(name, n, in);
                fail("fuzz " + name + ": seed " + SEED + ", input " + n + " took " + ms + " ms (saved as " + saved + ")");
            }
        }
        System.out.println("fuzz " + name + ": " + n + " inputs in " + SECONDS + " s, seed " + SEED);
    }

    static Path save(String target, int n, byte[] in) throws IOException {
        Path dir = Files.createDirectories(Path.of("target/fuzz-crashes", target));
        return Files.write(dir.resolve(SEED + "-" + n), in);
    }

    @Test
    @Timeout(120)
    void theCommandLineRefusesMutatedArgumentsCleanly(@TempDir Path dir) throws Exception {
        CliFuzzMain.Outcome o = CliFuzzMain.fork(dir, List.of("fuzz", String.valueOf(SEED), String.valueOf(SECONDS * 2)));
        if (o.status() != 0) {
            Path saved = Files.createDirectories(Path.of("target/fuzz-crashes/cli")).resolve(SEED + ".json");
            Files.writeString(saved, o.failingArgv());
            fail("fuzz cli: seed " + SEED + " (argv saved as " + saved + "; rerun: mvn test -Dtest=FuzzTest -Djrun.fuzz.seed=" + SEED + "):\n"
                    + o.output());
        }
        System.out.println(o.output().strip());
        assertEquals(0, o.status());
    }
}
