package jrun.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/** The running kernel's build configuration, from /proc/config.gz or /boot/config-RELEASE, when either is there. */
public final class KernelConfig {
    private final String text;

    private KernelConfig(String text) {
        this.text = text;
    }

    public static Optional<KernelConfig> read() throws IOException {
        Path gz = Path.of("/proc/config.gz");
        if (Files.isReadable(gz)) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
                return Optional.of(new KernelConfig(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            }
        }
        String release = jrun.linux.ProcFiles.read(Path.of("/proc/sys/kernel/osrelease")).strip();
        Path boot = Path.of("/boot/config-" + release);
        return Files.isReadable(boot) ? Optional.of(new KernelConfig(Files.readString(boot))) : Optional.empty();
    }

    /** Whether CONFIG_NAME is built in or a module ("=y" or "=m"). */
    public boolean enabled(String name) {
        return text.lines().anyMatch(l -> l.equals(name + "=y") || l.equals(name + "=m"));
    }
}
