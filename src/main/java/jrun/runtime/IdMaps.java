package jrun.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import jrun.JrunException;
import jrun.spec.IdMapping;

/**
 * A new user namespace's uid_map and gid_map, written from the host side (user_namespaces(7)).
 * Root writes them itself. A user without root may write only a map of its own id, and a gid map
 * only after setgroups is denied; anything more goes through the setuid newuidmap/newgidmap
 * (package uidmap), which check the ranges /etc/subuid and /etc/subgid grant the user.
 */
public final class IdMaps {
    private IdMaps() {}

    /** How a map is written. */
    enum Way { DIRECT, OWN_ID, HELPER }

    /** The way for maps of one kind, by a writer with this effective id (0: root of its namespace). */
    static Way way(List<IdMapping> maps, long writerId) {
        if (writerId == 0) return Way.DIRECT;
        if (maps.size() == 1 && maps.get(0).size() == 1 && maps.get(0).hostId() == writerId) return Way.OWN_ID;
        return Way.HELPER;
    }

    /** Writes pid's uid_map and gid_map (the gid map first: setgroups must be settled before the uid map takes our privilege). */
    public static void write(long pid, List<IdMapping> uids, List<IdMapping> gids) {
        long euid = Rootless.effectiveUid();
        Way gw = way(gids, euid == 0 ? 0 : Rootless.effectiveGid()), uw = way(uids, euid);
        if (gw == Way.OWN_ID) writeProc(pid, "setgroups", "deny", "linux.gidMappings");
        write(pid, "gid_map", gids, gw);
        write(pid, "uid_map", uids, uw);
    }

    private static void write(long pid, String file, List<IdMapping> maps, Way w) {
        String field = file.startsWith("uid") ? "linux.uidMappings" : "linux.gidMappings";
        if (w != Way.HELPER) {
            StringBuilder sb = new StringBuilder();
            for (IdMapping m : maps) sb.append(m.line());
            writeProc(pid, file, sb.toString(), field);
            return;
        }
        String tool = file.startsWith("uid") ? "newuidmap" : "newgidmap";
        Path bin = locate(tool);
        if (bin == null)
            throw new JrunException(field + ": mapping more than your own id needs " + tool + " (Debian package uidmap), not found in /usr/bin or /bin");
        List<String> argv = new ArrayList<>(List.of(bin.toString(), Long.toString(pid)));
        for (IdMapping m : maps) {
            argv.add(Long.toString(m.containerId()));
            argv.add(Long.toString(m.hostId()));
            argv.add(Long.toString(m.size()));
        }
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            int status = p.waitFor();
            if (status != 0) {
                String first = out.isEmpty() ? "exit status " + status : out.lines().findFirst().orElse(out);
                throw new JrunException(field + ": " + tool + " refused the mapping (see /etc/sub" + (tool.equals("newuidmap") ? "uid" : "gid")
                        + "): " + first);
            }
        } catch (IOException e) {
            throw new JrunException(field + ": cannot run " + bin + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JrunException(field + ": interrupted while " + tool + " ran", e);
        }
    }

    private static Path locate(String tool) {
        for (String d : List.of("/usr/bin", "/bin", "/usr/sbin")) {
            Path p = Path.of(d, tool);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    private static void writeProc(long pid, String file, String text, String field) {
        Path p = Path.of("/proc/" + pid + "/" + file);
        try {
            jrun.linux.ProcFiles.write(p.toString(), text.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new JrunException(field + ": cannot write " + p + ": " + e.getMessage()
                    + (Rootless.effectiveUid() == 0 ? "" : " (without root only your own id maps directly; see docs/rootless.md)"), e);
        }
    }
}
