package jrun.linux.cgroups;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import jrun.JrunException;

/** One cgroup file write, in order. The file must exist: cgroupfs creates every file a kernel supports. */
public record CgroupWrite(Path file, String value) {

    /** Writes each value to its existing file (no create, no truncate races: cgroupfs files take one write). */
    public static void apply(List<CgroupWrite> writes) {
        for (CgroupWrite w : writes) {
            try {
                Files.write(w.file(), w.value().getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
            } catch (NoSuchFileException e) {
                throw new JrunException("cannot write \"" + w.value() + "\" to " + w.file()
                        + ": no such file (this kernel or cgroup does not support it)", e);
            } catch (IOException e) {
                throw new JrunException("cannot write \"" + w.value() + "\" to " + w.file() + ": " + e.getMessage(), e);
            }
        }
    }
}
