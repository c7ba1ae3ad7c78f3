package jrun.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import jrun.linux.seccomp.Arch;
import jrun.linux.seccomp.SeccompProgram;
import jrun.spec.Json;

/**
 * Compiled seccomp filters kept by the SHA-256 of the profile's JSON and the native arch, in a
 * root-only directory under jrun's --root: Docker sends the same profile at every create, and
 * compiling it costs ~20 ms of a ~120 ms create. A file is flags (u64 LE) then the filter; written
 * by temp + rename, so a reader sees all of one or none. Anything odd is a miss, never an error.
 * Programs with a listener are not cached (they are refused anyway).
 */
final class SeccompCache {
    private final Path dir;

    SeccompCache(Path dir) {
        this.dir = dir;
    }

    SeccompProgram get(Map<String, Object> seccomp, Supplier<SeccompProgram> compile) {
        String key = key(seccomp);
        Path file = dir.resolve(key);
        try {
            byte[] b = Files.readAllBytes(file);
            if (b.length > 8 && (b.length - 8) % 8 == 0) {
                long flags = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
                return new SeccompProgram(java.util.Arrays.copyOfRange(b, 8, b.length), flags, null, null, List.of());
            }
        } catch (IOException e) {
            // a miss
        }
        SeccompProgram p = compile.get();
        if (!p.needsListener()) store(file, p);
        return p;
    }

    private void store(Path file, SeccompProgram p) {
        try {
            Files.createDirectories(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            Path tmp = Files.createTempFile(dir, ".new", ".tmp");
            ByteBuffer b = ByteBuffer.allocate(8 + p.filter().length).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(p.flags()).put(p.filter());
            Files.write(tmp, b.array());
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | UnsupportedOperationException e) {
            // no cache this time
        }
    }

    static String key(Map<String, Object> seccomp) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(Arch.nativeArch().name().getBytes(StandardCharsets.US_ASCII));
            md.update((byte) 0);
            md.update(Json.write(seccomp, Json.Style.COMPACT).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
