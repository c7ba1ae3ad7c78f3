package jrun.interceptor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jrun.Invocation;
import jrun.JrunException;

/** RuntimeLocator finds the runtime as execvp would, relative PATH entries and paths being the caller's (the engine's request). */
class RuntimeLocatorTest {
    @TempDir
    Path dir;

    private Path executable(String at) throws IOException {
        Path f = Files.createDirectories(dir.resolve(at).getParent()).resolve(Path.of(at).getFileName());
        Files.writeString(f, "#!/bin/sh\n");
        f.toFile().setExecutable(true);
        return f;
    }

    private String resolve(String runtime, String path) {
        Invocation inv = Invocation.of(InputStream.nullInputStream(), System.out, System.err, dir, Map.of(), null);
        return inv.call(() -> RuntimeLocator.resolve(runtime, path));
    }

    @Test
    void theFirstExecutableOnPathWinsAndRelativeEntriesAreTheCallersDirectory() throws IOException {
        Path second = executable("b/rt");
        Files.writeString(Files.createDirectories(dir.resolve("a")).resolve("rt"), "not executable\n");
        assertEquals(second.toString(), resolve("rt", "/nonexistent:" + dir.resolve("a") + ":b"));
        Path first = executable("a2/rt");
        assertEquals(first.toString(), resolve("rt", "a2:b"));
        Path here = executable("rt");
        assertEquals(dir.resolve(".").resolve("rt").toString(), resolve("rt", "/nonexistent:"), "a trailing empty entry is the current directory");
        assertEquals(dir.resolve("./rt").toString(), resolve("./rt", "/nonexistent"));
        assertEquals(here, dir.resolve("./rt").normalize());
    }

    @Test
    void aMissingRuntimeIsOneErrorNamingTheFlag() {
        JrunException e = assertThrows(JrunException.class, () -> resolve("nope", "/nonexistent:x"));
        assertEquals("runtime \"nope\" not found in PATH (set --oi-runtime-path)", e.getMessage());
        e = assertThrows(JrunException.class, () -> resolve("./nope", "/bin"));
        assertEquals("runtime ./nope (--oi-runtime-path): no such file", e.getMessage());
    }
}
