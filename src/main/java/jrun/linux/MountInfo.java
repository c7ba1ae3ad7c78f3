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
