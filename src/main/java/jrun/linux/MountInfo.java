package jrun.linux;

import java.util.ArrayList;
import java.util.List;

/** /proc/self/mountinfo: the mount points, for finding the mount that holds a path. */
public final class MountInfo {
    private MountInfo() {}

    public static List<String> mountpoints(String mountinfo) {
        List<String> out = new ArrayList<>();
        for (String line : mountinfo.split("\n")) {
            String[] f = line.split(" ");
            if (f.length > 4) out.add(unescape(f[4]));
        }
        return out;
    }

    /** The mount point of the mount containing path (the longest matching prefix). */
    public static String containing(String mountinfo, String path) {
        String best = "/";
        for (String m : mountpoints(mountinfo))
            if ((path.equals(m) || path.startsWith(m.endsWith("/") ? m : m + "/")) && m.length() > best.length()) best = m;
        return best;
    }

    /** Whether a filesystem of this type is mounted (the field after " - "); selinuxfs: SELinux is enabled. */
    public static boolean hasType(String mountinfo, String type) {
        String needle = " - " + type + " ";
        for (int at = mountinfo.indexOf(needle); at >= 0; at = mountinfo.indexOf(needle, at + 1)) {
            int lineStart = mountinfo.lastIndexOf('\n', at) + 1;
            if (mountinfo.indexOf(" - ", lineStart) == at) return true; // the separator, not a mount point named so
        }
        return false;
    }

    /** Mountinfo escapes space, tab, newline and backslash as \ooo. */
    public static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                try {
                    sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                    i += 3;
                    continue;
                } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                    // not an escape: keep the backslash
                }
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
