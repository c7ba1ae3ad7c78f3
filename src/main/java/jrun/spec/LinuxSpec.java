package jrun.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import jrun.JrunException;

/**
 * linux: namespaces, id mappings, devices, cgroup path and the rootfs details jrun applies.
 * resources and seccomp are kept as raw trees (null when absent) for jrun.linux to compile;
 * what jrun does not apply is refused with an error naming the field, never silently run.
 */
public record LinuxSpec(List<Namespace> namespaces, List<IdMapping> uidMappings, List<IdMapping> gidMappings,
        List<Device> devices, String cgroupsPath, String rootfsPropagation, List<String> maskedPaths,
        List<String> readonlyPaths, Map<String, String> sysctl, Map<String, long[]> timeOffsets,
        Map<String, Object> resources, Map<String, Object> seccomp, Integer personality, ProcessTuning.MemoryPolicy memoryPolicy,
        String mountLabel) {

    static LinuxSpec from(Fields f) {
        List<Namespace> ns = list(f, "namespaces", Namespace::from);
        for (int i = 0; i < ns.size(); i++)
            for (int j = 0; j < i; j++)
                if (ns.get(i).type() == ns.get(j).type())
                    throw new JrunException(f.path("namespaces") + "[" + i + "].type: duplicate namespace \"" + ns.get(i).type().specName + "\"");
        String prop = f.optStr("rootfsPropagation", "");
        if (!prop.isEmpty() && !List.of("private", "rprivate", "slave", "rslave", "shared", "rshared", "unbindable", "runbindable").contains(prop))
            throw new JrunException(f.path("rootfsPropagation") + ": unknown propagation \"" + prop + "\"");
        Map<String, String> sysctl = new LinkedHashMap<>();
        Fields s = f.object("sysctl");
        if (s != null) for (String k : s.map().keySet()) sysctl.put(k, s.str(k));
        Map<String, long[]> offsets = new LinkedHashMap<>();
        Fields t = f.object("timeOffsets");
        if (t != null) {
            for (String k : t.map().keySet()) {
                if (!k.equals("monotonic") && !k.equals("boottime"))
                    throw new JrunException(t.path(k) + ": unknown clock (expected monotonic or boottime)");
                Fields o = t.object(k);
                offsets.put(k, new long[] {o.integer("secs", Long.MIN_VALUE, Long.MAX_VALUE, 0), o.integer("nanosecs", 0, 999_999_999, 0)});
            }
        }
        Fields res = f.object("resources"), sec = f.object("seccomp");
        f.refuse("intelRdt", "no Intel RDT support");
        f.refuse("netDevices", "not applied yet");
        List<IdMapping> um = list(f, "uidMappings", IdMapping::from), gm = list(f, "gidMappings", IdMapping::from);
        // Loops, not streams: a create's first stream initialises StreamOpFlag's EnumMaps, by reflection (~0.4 ms interpreted).
        boolean newUser = isNew(ns, Namespace.Type.USER);
        if (newUser && (um.isEmpty() || gm.isEmpty()))
            throw new JrunException(f.path("uidMappings") + ": a new user namespace needs uidMappings and gidMappings");
        if (!newUser && (!um.isEmpty() || !gm.isEmpty()))
            throw new JrunException(f.path("uidMappings") + ": mappings given without a new user namespace");
        if (!offsets.isEmpty() && !isNew(ns, Namespace.Type.TIME))
            throw new JrunException(f.path("timeOffsets") + ": offsets given without a new time namespace");
        return new LinuxSpec(ns, um, gm, list(f, "devices", Device::from), f.optStr("cgroupsPath", ""), prop,
                f.strings("maskedPaths"), f.strings("readonlyPaths"), sysctl, offsets,
                res == null ? null : res.map(), sec == null ? null : sec.map(), ProcessTuning.personality(f.object("personality")),
                ProcessTuning.memoryPolicy(f.object("memoryPolicy")), f.optStr("mountLabel", ""));
    }

    private static boolean isNew(List<Namespace> ns, Namespace.Type type) {
        for (Namespace n : ns) if (n.type() == type && n.isNew()) return true;
        return false;
    }

    private static <T> List<T> list(Fields f, String key, Function<Fields, T> make) {
        List<Object> l = f.list(key);
        List<T> out = new ArrayList<>(l.size());
        for (int i = 0; i < l.size(); i++) out.add(make.apply(f.element(key, l.get(i), i)));
        return List.copyOf(out);
    }
}
