package jrun.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;

import jrun.JrunException;

/** HostFiles on the real machine. */
public final class RealHostFiles implements HostFiles {
    @Override
    public Kind kind(Path path) {
        try {
            PosixFileAttributes a = Files.readAttributes(path, PosixFileAttributes.class);
            if (a.isDirectory()) return Kind.DIRECTORY;
            if (a.isRegularFile()) return Kind.FILE;
            int mode = (Integer) Files.getAttribute(path, "unix:mode");
            return switch (mode & 0170000) {
                case 0020000 -> Kind.CHAR_DEVICE;
                case 0060000 -> Kind.BLOCK_DEVICE;
                default -> Kind.OTHER;
            };
        } catch (NoSuchFileException e) {
            return Kind.MISSING;
        } catch (IOException e) {
            throw new JrunException(path + ": cannot stat: " + e.getMessage(), e);
        }
    }

    @Override
    public long rdev(Path path) {
        try {
            return (Long) Files.getAttribute(path, "unix:rdev");
        } catch (IOException e) {
            throw new JrunException(path + ": cannot stat: " + e.getMessage(), e);
        }
    }
}
