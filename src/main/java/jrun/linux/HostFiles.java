package jrun.linux;

import java.nio.file.Path;

/**
 * What the planner needs to know about the host's files; a seam so plans are computed in unit
 * tests without root and without touching the machine.
 */
public interface HostFiles {
    enum Kind { MISSING, DIRECTORY, FILE, CHAR_DEVICE, BLOCK_DEVICE, OTHER }

    /** The kind of the file at path, following symlinks (a bind mount source does). */
    Kind kind(Path path);

    /** st_rdev of a device node (call only for CHAR_DEVICE / BLOCK_DEVICE). */
    long rdev(Path path);

    /**
     * The text of a small regular file at an absolute path inside root, with every symlink resolved
     * as if root were "/" (never leading out of it); null when there is no such regular file.
     */
    String readInRoot(Path root, String path);
}
