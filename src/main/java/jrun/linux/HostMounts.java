package jrun.linux;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The mounts jrun makes in the host's mount namespace for a container that has none of its own
 * (runtime-spec: no `mount` in linux.namespaces; runc leaves them all behind). A create records
 * the mounts at or below the rootfs before the helper starts (before) and the new ones once the
 * init is ready (made), in ROOT/ID/host-mounts; delete, delete --force and a failed create detach,
 * deepest first, each recorded mount and every mount below one of them that was not there before
 * (the container's own), every one checked by its mount id before it is detached (toUndo).
 *
 * <p>The record is plain lines, one mount each: {@code before ID PATH} or {@code made ID PATH},
 * after a first line {@code rootfs PATH}; PATH as mountinfo escapes it (no space or newline).
 */
public final class HostMounts {
    private HostMounts() {}

    /** One mount: its id and its mount point as mountinfo escapes it. */
    public record Entry(long id, String mountpoint) {
        public String path() {
            return MountInfo.unescape(mountpoint);
        }
    }

    /** A container's record: its rootfs, the mounts below it before create, the ones create made. */
    public record Record(String rootfs, List<Entry> before, List<Entry> made) {
        public String text() {
            StringBuilder sb = new StringBuilder("rootfs ").append(escape(rootfs)).append('\n');
            for (Entry e : before) sb.append("before ").append(e.id()).append(' ').append(e.mountpoint()).append('\n');
            for (Entry e : made) sb.append("made ").append(e.id()).append(' ').append(e.mountpoint()).append('\n');
            return sb.toString();
        }

        public static Record parse(String text) {
            String rootfs = null;
            List<Entry> before = new ArrayList<>(), made = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (line.isEmpty()) continue;
                String[] f = line.split(" ", -1);
                if (f[0].equals("rootfs") && f.length == 2) rootfs = MountInfo.unescape(f[1]);
                else if ((f[0].equals("before") || f[0].equals("made")) && f.length == 3)
                    (f[0].equals("made") ? made : before).add(new Entry(Long.parseLong(f[1]), f[2]));
                else throw new IllegalArgumentException("bad line \"" + line + "\"");
            }
            if (rootfs == null) throw new IllegalArgumentException("no rootfs line");
            return new Record(rootfs, before, made);
        }
    }

    /** The mounts in mountinfo at rootfs or below it, in mountinfo's order. */
    public static List<Entry> under(String mountinfo, String rootfs) {
        List<Entry> out = new ArrayList<>();
        String prefix = rootfs.endsWith("/") ? rootfs : rootfs + "/";
        for (String line : mountinfo.split("\n")) {
            String[] f = line.split(" ", 6);
            if (f.length < 5) continue;
            String point = MountInfo.unescape(f[4]);
            if (point.equals(rootfs) || point.startsWith(prefix)) out.add(new Entry(Long.parseLong(f[0]), f[4]));
        }
        return out;
    }

    /** The mounts of mountinfo at or below rootfs whose ids are not among before's. */
    public static List<Entry> made(List<Entry> before, String mountinfo, String rootfs) {
        Set<Long> old = ids(before);
        List<Entry> out = new ArrayList<>();
        for (Entry e : under(mountinfo, rootfs)) if (!old.contains(e.id())) out.add(e);
        return out;
    }

    /**
     * What to detach now, deepest first: the mounts below the rootfs that create made (by id: the
     * container may have moved one, renaming a directory above it) and every mount below one of
     * them that was not there before (the container's own); never one that was there before, nor
     * one below the rootfs that hangs off none of ours (another's). A record without made mounts
     * (a create that failed, or was killed, before it wrote them) takes every mount below the
     * rootfs that was not there before. Among mounts at one depth, the later in mountinfo first.
     */
    public static List<Entry> toUndo(Record r, String mountinfo) {
        List<Entry> now = under(mountinfo, r.rootfs());
        Set<Long> old = ids(r.before()), ours = ids(r.made());
        java.util.Map<Long, Long> parent = new java.util.HashMap<>();
        for (String line : mountinfo.split("\n")) {
            String[] f = line.split(" ", 3);
            if (f.length == 3) parent.put(Long.parseLong(f[0]), Long.parseLong(f[1]));
        }
        List<Entry> out = new ArrayList<>();
        for (Entry e : now) {
            if (old.contains(e.id())) continue;
            boolean take = ours.isEmpty();
            // up the parents (a few hops; bounded against a loop in a torn read)
            for (long id = e.id(), hops = 0; !take && hops < 4096; hops++) {
                if (ours.contains(id)) take = true;
                Long p = parent.get(id);
                if (p == null || p == id) break;
                id = p;
            }
            if (take) out.add(e);
        }
        // Deepest first, then the later first. Hand-written insertion sort: a Comparator lambda's first bootstrap costs ~4 ms of a delete.
        List<Entry> sorted = new ArrayList<>(out.size());
        for (int i = out.size() - 1; i >= 0; i--) {
            Entry e = out.get(i);
            int d = depth(e.path()), at = sorted.size();
            while (at > 0 && depth(sorted.get(at - 1).path()) < d) at--;
            sorted.add(at, e);
        }
        return sorted;
    }

    /**
     * Detaches every mount of toUndo, deepest first, each through libjrun.so (checked by its id,
     * never through a symlink), then reads mountinfo again: the mount points still there (empty
     * when all went).
     */
    public static List<String> undo(Record r, Supplier<String> mountinfo) {
        if (!PosixLock.available()) throw new IllegalStateException("libjrun.so is not loaded: cannot unmount safely");
        for (Entry e : toUndo(r, mountinfo.get())) unmount0(PosixLock.cString(e.path()), e.id());
        List<String> left = new ArrayList<>();
        for (Entry e : toUndo(r, mountinfo.get())) left.add(e.path());
        return left;
    }

    private static int depth(String path) {
        int n = 0;
        for (int i = 0; i < path.length(); i++) if (path.charAt(i) == '/') n++;
        return n;
    }

    private static Set<Long> ids(List<Entry> entries) {
        Set<Long> s = new HashSet<>();
        for (Entry e : entries) s.add(e.id());
        return s;
    }

    /** Escapes as mountinfo does (space, tab, newline, backslash as \ooo). */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\\') sb.append('\\').append((char) ('0' + (c >> 6))).append((char) ('0' + ((c >> 3) & 7))).append((char) ('0' + (c & 7)));
            else sb.append(c);
        }
        return sb.toString();
    }

    /** 0, or the errno (ESTALE: the path reaches another mount than id). */
    private static native int unmount0(byte[] path, long id);
}
