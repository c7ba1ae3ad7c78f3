package jrun.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import jrun.JrunException;
import jrun.linux.cgroups.CgroupWrite;

/**
 * What a caller does to a running container through its cgroups: ps (its pids), pause and
 * resume (the freezer), update (linux.resources again, devices left alone as runc update does)
 * and stats. Each takes the container's lock for as long as it acts.
 */
public final class Manage {
    private final StateStore store;
    private final LinuxHardening linux;
    private final Function<List<String>, ContainerCgroups> cgroups;

    public Manage(StateStore store, LinuxHardening linux, Function<List<String>, ContainerCgroups> cgroups) {
        this.store = store;
        this.linux = linux;
        this.cgroups = cgroups;
    }

    /** The host pids in the container's cgroups (empty once it stopped). */
    public List<Long> pids(String id) {
        try (StateStore.Lock lock = store.lock(id)) {
            ContainerState st = store.load(id);
            return new ArrayList<>(Rootless.processes(st)); // without a cgroup (rootless): its pid namespace's
        }
    }

    public void pause(String id) {
        try (StateStore.Lock lock = store.lock(id)) {
            ContainerState st = store.load(id);
            Status s = StateStore.liveStatus(st);
            if (s != Status.RUNNING && s != Status.CREATED)
                throw new JrunException("cannot pause a container in the " + s.specName() + " state" + (s == Status.STOPPED ? " (container not running)" : ""));
            cgroups.apply(needCgroup(st, "pause")).freeze(true);
        }
    }

    public void resume(String id) {
        try (StateStore.Lock lock = store.lock(id)) {
            ContainerState st = store.load(id);
            Status s = StateStore.liveStatus(st);
            if (s != Status.PAUSED) throw new JrunException("container " + id + " is not paused (" + s.specName() + ")");
            cgroups.apply(needCgroup(st, "resume")).freeze(false);
        }
    }

    /** Writes resources (a runtime-spec linux.resources object) to the live container's cgroups. */
    public void update(String id, Map<String, Object> resources) {
        try (StateStore.Lock lock = store.lock(id)) {
            ContainerState st = store.load(id);
            if (StateStore.liveStatus(st) == Status.STOPPED) throw new JrunException("container " + id + " is not running");
            List<CgroupWrite> w = linux.plan(resources, needCgroup(st, "update"), true);
            CgroupWrite.apply(w);
        }
    }

    /** runc's types.Stats of the container, or an error once it stopped. */
    public Map<String, Object> stats(String id) {
        try (StateStore.Lock lock = store.lock(id)) {
            ContainerState st = store.load(id);
            if (StateStore.liveStatus(st) == Status.STOPPED) throw new JrunException("container " + id + " is not running");
            return cgroups.apply(st.cgroupDirs()).stats();
        }
    }

    /** OOM kills so far, and whether the container still runs (for the events loop). */
    public record Watch(long oomKills, boolean running) {}

    public Watch watch(String id) {
        try (StateStore.Lock lock = store.lock(id)) {
            ContainerState st = store.load(id);
            return new Watch(cgroups.apply(st.cgroupDirs()).oomKills(), StateStore.liveStatus(st) != Status.STOPPED);
        }
    }

    /** The container's cgroup directories; none (made rootless where no cgroup was writable) is an error naming what needed one. */
    private static List<String> needCgroup(ContainerState st, String what) {
        if (st.cgroupDirs().isEmpty())
            throw new JrunException("container " + st.id() + " has no cgroup (made in rootless mode where none was writable), so it cannot " + what
                    + "; see docs/rootless.md");
        return st.cgroupDirs();
    }
}
