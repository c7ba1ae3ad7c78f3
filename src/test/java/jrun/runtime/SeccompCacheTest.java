package jrun.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jrun.linux.seccomp.SeccompCompiler;
import jrun.linux.seccomp.SeccompProgram;
import jrun.spec.Json;

class SeccompCacheTest {
    @SuppressWarnings("unchecked")
    static final Map<String, Object> PROFILE = (Map<String, Object>) Json.parse(
            "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"],\"syscalls\":[{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"}]}");

    @Test
    void aHitIsTheSameProgramWithoutCompiling(@TempDir Path dir) throws Exception {
        SeccompCache cache = new SeccompCache(dir.resolve("c"));
        AtomicInteger compiles = new AtomicInteger();
        SeccompProgram first = cache.get(PROFILE, () -> {
            compiles.incrementAndGet();
            return SeccompCompiler.compile(PROFILE, "linux.seccomp");
        });
        SeccompProgram again = cache.get(PROFILE, () -> {
            compiles.incrementAndGet();
            return SeccompCompiler.compile(PROFILE, "linux.seccomp");
        });
        assertEquals(1, compiles.get());
        assertArrayEquals(first.filter(), again.filter());
        assertEquals(first.flags(), again.flags());
        assertNotEquals(0L, again.flags(), "the LOG flag survives the cache");
    }

    @Test
    void aCorruptEntryIsAMissAndAnotherProfileAnotherKey(@TempDir Path dir) throws Exception {
        SeccompCache cache = new SeccompCache(dir);
        Files.write(dir.resolve(SeccompCache.key(PROFILE)), new byte[] {1, 2, 3});
        AtomicInteger compiles = new AtomicInteger();
        SeccompProgram p = cache.get(PROFILE, () -> {
            compiles.incrementAndGet();
            return SeccompCompiler.compile(PROFILE, "linux.seccomp");
        });
        assertEquals(1, compiles.get());
        assertEquals(8 + p.filter().length, Files.size(dir.resolve(SeccompCache.key(PROFILE))), "rewritten whole");
        @SuppressWarnings("unchecked")
        Map<String, Object> other = (Map<String, Object>) Json.parse("{\"defaultAction\":\"SCMP_ACT_ALLOW\"}");
        assertNotEquals(SeccompCache.key(PROFILE), SeccompCache.key(other));
    }
}
