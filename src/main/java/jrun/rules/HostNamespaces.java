package jrun.rules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Whether a namespace path in a config is the namespace the caller itself runs in. Docker 20.10's
 * `--network host` does not leave the network namespace out: it joins a bind mount of the host's
 * ({@code <exec-root>/netns/default}), so "host network" must compare the namespace, not the path.
 */
@FunctionalInterface
public interface HostNamespaces {
    boolean isOurs(String type, String path);

    /** Compares device and inode of path with /proc/self/ns/NAME; a path that cannot be read is not ours. */
    HostNamespaces HOST = (type, path) -> {
        String proc = switch (type) {
            case "network" -> "net";
            case "mount" -> "mnt";
            default -> type;
        };
        try {
            Map<String, Object> a = Files.readAttributes(Path.of(path), "unix:dev,ino");
            Map<String, Object> b = Files.readAttributes(Path.of("/proc/self/ns", proc), "unix:dev,ino");
            return a.get("dev").equals(b.get("dev")) && a.get("ino").equals(b.get("ino"));
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    };
}
