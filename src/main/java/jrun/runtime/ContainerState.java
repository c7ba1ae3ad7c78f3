package jrun.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jrun.Version;
import jrun.spec.ConfigTree;
import jrun.spec.Fields;
import jrun.spec.Json;
import jrun.spec.JsonNumber;

/**
 * What jrun keeps about a container in ROOT/ID/state.json: the spec state plus the init's start
 * time (pid reuse), the cgroup directories it made, and the poststart/poststop hooks as config.json
 * had them at create (raw), so start and delete never depend on the bundle staying unchanged.
 */
public record ContainerState(String id, Status status, long pid, long startTime, String bundle, String rootfs,
        String created, Map<String, String> annotations, List<String> cgroupDirs, Map<String, Object> hooks) {

    public ContainerState with(Status s) {
        return new ContainerState(id, s, pid, startTime, bundle, rootfs, created, annotations, cgroupDirs, hooks);
    }

    public ContainerState withPid(long p, long start) {
        return new ContainerState(id, status, p, start, bundle, rootfs, created, annotations, cgroupDirs, hooks);
    }

    public ContainerState withCgroups(List<String> dirs) {
        return new ContainerState(id, status, pid, startTime, bundle, rootfs, created, annotations, dirs, hooks);
    }

    /** The runtime-spec state JSON (what `state` prints and hooks read), with status given. */
    public Map<String, Object> specState(Status shown) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ociVersion", Version.SPEC);
        m.put("id", id);
        m.put("status", shown.specName());
        if (shown != Status.STOPPED) m.put("pid", JsonNumber.of(pid));
        else m.put("pid", JsonNumber.of(0));
        m.put("bundle", bundle);
        m.put("rootfs", rootfs);
        m.put("created", created);
        m.put("owner", "");
        if (!annotations.isEmpty()) m.put("annotations", new LinkedHashMap<String, Object>(annotations));
        return m;
    }

    public String specStateJson(Status shown) {
        return Json.write(specState(shown), Json.Style.TWO_SPACES);
    }

    public String toJson() {
        return toJsonHead() + toJsonTail(pid, startTime);
    }

    /**
     * state.json up to its last two fields, pid and startTime (toJsonTail): a create writes this
     * while the helper clones the init, and the rest once it has the init's pid.
     */
    public String toJsonHead() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("status", status.specName());
        m.put("bundle", bundle);
        m.put("rootfs", rootfs);
        m.put("created", created);
        m.put("annotations", new LinkedHashMap<String, Object>(annotations));
        m.put("cgroupDirs", new ArrayList<Object>(cgroupDirs));
        m.put("hooks", hooks);
        String s = Json.write(m, Json.Style.TWO_SPACES);
        return s.substring(0, s.length() - "\n}\n".length());
    }

    /** The end of state.json after toJsonHead. */
    public static String toJsonTail(long pid, long startTime) {
        return ",\n  \"pid\": " + pid + ",\n  \"startTime\": " + startTime + "\n}\n";
    }

    /** From state.json's bytes, parsed as they are (Json.parseRoot). */
    public static ContainerState fromJson(byte[] utf8) {
        Fields f = new Fields(Json.parseRoot(utf8), "state");
        Map<String, String> ann = new LinkedHashMap<>();
        Fields a = f.object("annotations");
        if (a != null) for (String k : a.map().keySet()) ann.put(k, a.str(k));
        return new ContainerState(f.str("id"), Status.parse(f.str("status")), f.integer("pid", 0, Integer.MAX_VALUE, 0),
                f.integer("startTime", -1, Long.MAX_VALUE, 0), f.str("bundle"), f.str("rootfs"), f.str("created"), ann,
                f.strings("cgroupDirs"), f.has("hooks") ? ConfigTree.object(f.raw("hooks"), "state.hooks") : Map.of());
    }
}
