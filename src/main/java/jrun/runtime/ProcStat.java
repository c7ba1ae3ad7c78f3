package jrun.runtime;

import java.io.IOException;
import java.nio.file.Path;

import jrun.linux.ProcFiles;

/**
 * Reads /proc/PID/stat: a process's start time (clock ticks since boot) and state. The start
 * time is stored with the pid so a reused pid is never taken for our container.
 */
public final class ProcStat {
    private ProcStat() {}

    /** Start time of pid, or -1 if there is no such process or it is a zombie. */
    public static long liveStartTime(long pid) {
        String stat = read("/proc/" + pid + "/stat");
        if (stat == null) return -1;
        int close = stat.lastIndexOf(')'); // the command name may hold spaces and parentheses
        String[] f = stat.substring(close + 2).split(" ");
        if (f.length < 20 || f[0].equals("Z") || f[0].equals("X")) return -1;
        return Long.parseLong(f[19]); // field 22 of stat; f[0] is field 3
    }

    public static boolean isAlive(long pid, long startTime) {
        return pid > 0 && liveStartTime(pid) == startTime;
    }

    /** A procfs or sysfs file's text, or null when it cannot be read (the process is gone, say). */
    public static String read(String path) {
        try {
            return ProcFiles.read(Path.of(path)); // the one read-until-EOF loop; it decodes once, never per chunk
        } catch (IOException e) {
            return null;
        }
    }
}
