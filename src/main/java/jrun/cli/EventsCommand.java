package jrun.cli;

import java.util.List;

import jrun.JrunException;
import jrun.linux.cgroups.CgroupStats;
import jrun.runtime.Manage;
import jrun.spec.Json;

/**
 * jrun events [--stats] [--interval 5s] ID: with --stats one stats event and exit; else a stats
 * event every interval and an "oom" event whenever the OOM-kill count rises, until the
 * container stops. One JSON object per line, runc's shape.
 */
final class EventsCommand implements Command {
    static final String[] SPEC = {"events", "[flags] ID", "print a container's resource use and OOM events",
            """
            Prints one JSON object per line for the container ID: its resource use (cpu, memory, pids, \
            blkio) every --interval, and an "oom" event whenever the kernel's OOM killer kills in its \
            cgroup, until the container stops. With --stats, its resource use once.""",
            "--interval", "DURATION", "how often to print the resource use: 500ms, 5s, 1m (default 5s)",
            "--stats", "", "print the resource use once and exit",
    };

    private boolean stats;
    private long intervalMs = 5000;

    @Override
    public String[] spec() {
        return SPEC;
    }

    @Override
    public int run(Globals g, List<String> args) {
        String id = Args.oneId("events", Args.parse(SPEC, args, (n, v) -> {
            if (n.equals("--stats")) stats = Boolean.parseBoolean(v);
            else intervalMs = duration(v);
        }));
        Manage m = g.manage();
        if (stats) {
            print(id, "stats", m.stats(id));
            return 0;
        }
        long ooms = m.watch(id).oomKills();
        long next = 0;
        for (;;) {
            Manage.Watch w;
            try {
                w = m.watch(id);
            } catch (JrunException e) {
                return 0; // deleted
            }
            if (w.oomKills() > ooms) print(id, "oom", null);
            ooms = w.oomKills();
            if (!w.running()) return 0;
            long now = System.currentTimeMillis();
            if (now >= next) {
                try {
                    print(id, "stats", m.stats(id));
                } catch (JrunException e) {
                    return 0;
                }
                next = now + intervalMs;
            }
            try {
                Thread.sleep(Math.min(intervalMs, 200));
            } catch (InterruptedException e) {
                return 0;
            }
        }
    }

    private static void print(String id, String type, java.util.Map<String, Object> data) {
        jrun.Invocation.current().out().println(Json.write(CgroupStats.event(type, id, data), Json.Style.COMPACT));
        jrun.Invocation.current().out().flush();
    }

    /** Go durations as runc takes them: 500ms, 5s, 1m (a bare number is seconds). */
    static long duration(String v) {
        java.util.regex.Matcher mt = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h)?").matcher(v.trim());
        if (!mt.matches()) throw JrunException.usage("--interval: expected a duration such as 5s, got \"" + v + "\"");
        if (mt.group(1).length() > 12) throw JrunException.usage("--interval: too long a duration: \"" + v + "\""); // 10^12 h is still a long in ms
        long n = Long.parseLong(mt.group(1));
        String u = mt.group(2) == null ? "s" : mt.group(2);
        long ms = switch (u) {
            case "ms" -> n;
            case "s" -> n * 1000;
            case "m" -> n * 60_000;
            default -> n * 3_600_000;
        };
        if (ms <= 0) throw JrunException.usage("--interval: must be positive");
        return ms;
    }
}
