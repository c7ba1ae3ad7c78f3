package jrun.rules;

import java.nio.file.Path;
import java.util.List;

/**
 * What the engine needs besides the config: how to look at host device nodes and namespaces, and
 * where CDI specs live. Injected so tests use fakes and jrun can share one Context with the interceptor.
 */
public record Context(HostDevices devices, HostNamespaces namespaces, List<Path> cdiDirs) {
    public Context(HostDevices devices, List<Path> cdiDirs) {
        this(devices, HostNamespaces.HOST, cdiDirs);
    }

    /** CDI's standard spec directories, lowest priority first (a later one overrides). */
    public static final List<Path> CDI_DIRS = List.of(Path.of("/etc/cdi"), Path.of("/var/run/cdi"));

    public static Context host() {
        return new Context(HostDevices.HOST, HostNamespaces.HOST, CDI_DIRS);
    }
}
