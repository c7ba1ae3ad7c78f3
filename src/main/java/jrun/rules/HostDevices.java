package jrun.rules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

import jrun.JrunException;

/** Reads a device node's type, numbers and mode, for device edits that leave them out. */
@FunctionalInterface
public interface HostDevices {
    /** type is "c", "b", "p" (fifo) or "u"; mode holds the permission bits. */
    record Node(String type, long major, long minor, int mode, int uid, int gid) {}

    Node stat(String path);

    HostDevices HOST = path -> {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(Path.of(path), "unix:mode,rdev,uid,gid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException e) {
            throw new JrunException("device " + path + ": cannot stat the host node: " + e.getMessage());
        }
        int mode = (Integer) a.get("mode");
        long rdev = (Long) a.get("rdev");
        String type = switch (mode & 0170000) {
            case 0020000 -> "c";
            case 0060000 -> "b";
            case 0010000 -> "p";
            default -> throw new JrunException("device " + path + ": not a device node on the host");
        };
        // glibc's gnu_dev_major/minor encoding of dev_t
        long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
        long minor = (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
        return new Node(type, major, minor, mode & 07777, (Integer) a.get("uid"), (Integer) a.get("gid"));
    };
}
