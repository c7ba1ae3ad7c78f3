package jrun.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import jrun.cli.CliFuzzMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every crash the fuzzers found, kept as a regression case: src/test/resources/fuzz-corpus/TARGET/NAME
 * (TARGET: config, rules-json, rules-yaml; cli holds JSON arrays of arguments). Each must now be
 * refused cleanly (or accepted), as FuzzTest checks its inputs.
 */
class FuzzCorpusTest {
    static final Path CORPUS = Path.of("src/test/resources/fuzz-corpus");

    static Stream<String> cases() throws IOException {
        List<String> l = new ArrayList<>();
        for (Targets.Target t : Targets.ALL) {
            Path d = CORPUS.resolve(t.name());
            if (!Files.isDirectory(d)) continue;
            try (Stream<Path> s = Files.list(d)) {
                s.sorted().forEach(p -> l.add(t.name() + "/" + p.getFileName()));
            }
        }
        return l.stream();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void aCrashFoundOnceIsRefusedCleanly(String file) throws IOException {
        byte[] in = Files.readAllBytes(CORPUS.resolve(file));
        long t0 = System.nanoTime();
        Targets.byName(file.substring(0, file.indexOf('/'))).check(in);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 3000, file + " took " + ms + " ms");
    }

    @Test
    void theCommandLineCasesAreRefusedCleanly(@TempDir Path dir) throws Exception {
        List<String> args = new ArrayList<>(List.of("replay"));
        try (Stream<Path> s = Files.list(CORPUS.resolve("cli"))) {
            s.sorted().forEach(p -> args.add(p.toAbsolutePath().toString()));
        }
        assertTrue(args.size() > 1, "no cli corpus");
        CliFuzzMain.Outcome o = CliFuzzMain.fork(dir, args);
        assertEquals(0, o.status(), o.output());
    }
}
