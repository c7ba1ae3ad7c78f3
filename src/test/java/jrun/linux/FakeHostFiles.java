package jrun.linux;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** HostFiles from a table: anything not listed is missing. */
public final class FakeHostFiles implements HostFiles {
    private final Map<Path, Kind> kinds = new HashMap<>();
    private final Map<Path, Long> rdevs = new HashMap<>();
    private final Map<String, String> inRoot = new HashMap<>();

    /** A file the container would see at path (any root). */
    public FakeHostFiles inRoot(String path, String text) {
        inRoot.put(path, text);
        return this;
    }

    @Override
    public String readInRoot(Path root, String path) {
        return inRoot.get(path);
    }

    public FakeHostFiles with(String path, Kind kind) {
        kinds.put(Path.of(path), kind);
        return this;
    }

    public FakeHostFiles device(String path, long rdev) {
        kinds.put(Path.of(path), Kind.CHAR_DEVICE);
        rdevs.put(Path.of(path), rdev);
        return this;
    }

    @Override
    public Kind kind(Path path) {
        return kinds.getOrDefault(path, Kind.MISSING);
    }

    @Override
    public long rdev(Path path) {
        return rdevs.get(path);
    }
}
