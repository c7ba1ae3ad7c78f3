package jrun.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jrun.JrunException;
import jrun.spec.ConfigFile;
import jrun.spec.ConfigTree;
import jrun.spec.Json;
import jrun.spec.JsonNumber;

/**
 * jrun update [--resources FILE|-] [runc's resource flags] ID: new limits for a running
 * container. --resources is a runtime-spec linux.resources object ("-": stdin, as Docker sends
 * it); the flags win over it. Intel RDT flags are refused.
 */
final class UpdateCommand implements Command {
    static final String[] SPEC = {"update", "[flags] ID", "change the resource limits of a running container",
            """
            Writes new limits into the cgroups of the container ID. --resources gives a runtime-spec \
            linux.resources object (memory, cpu, blockIO, pids, ...); the flags set single fields and win \
            over it. Sizes take a k, m, g or t suffix (powers of 1024); -1 means unlimited.""",
            "--resources -r", "FILE", "a linux.resources JSON object; - reads it from stdin (as Docker sends it)",
            "--memory -m", "BYTES", "memory.limit",
            "--memory-reservation", "BYTES", "memory.reservation (the soft limit)",
            "--memory-swap", "BYTES", "memory.swap: memory plus swap; -1 for unlimited swap",
            "--kernel-memory", "BYTES", "memory.kernel (cgroup v1 only, and deprecated there)",
            "--kernel-memory-tcp", "BYTES", "memory.kernelTCP (cgroup v1 only)",
            "--cpu-share --cpu-shares", "N", "cpu.shares: the relative weight against other cgroups",
            "--cpu-quota", "USECS", "cpu.quota: CPU time allowed in each period",
            "--cpu-period", "USECS", "cpu.period: the CFS period",
            "--cpu-rt-period", "USECS", "cpu.realtimePeriod",
            "--cpu-rt-runtime", "USECS", "cpu.realtimeRuntime: realtime CPU time allowed in each period",
            "--cpuset-cpus", "LIST", "cpu.cpus: the CPUs to run on (0-3,5)",
            "--cpuset-mems", "LIST", "cpu.mems: the memory nodes to use",
            "--blkio-weight", "N", "blockIO.weight (10 to 1000)",
            "--pids-limit", "N", "pids.limit: the most processes and threads",
            "--l3-cache-schema", "SCHEMA", "not supported: no Intel RDT",
            "--mem-bw-schema", "SCHEMA", "not supported: no Intel RDT",
    };

    /** A resource flag's canonical name -> {object, member} in linux.resources. */
    private static final Map<String, String[]> FIELDS = Map.ofEntries(
            Map.entry("--memory", new String[] {"memory", "limit"}),
            Map.entry("--memory-reservation", new String[] {"memory", "reservation"}),
            Map.entry("--memory-swap", new String[] {"memory", "swap"}),
            Map.entry("--kernel-memory", new String[] {"memory", "kernel"}),
            Map.entry("--kernel-memory-tcp", new String[] {"memory", "kernelTCP"}),
            Map.entry("--cpu-share", new String[] {"cpu", "shares"}), Map.entry("--cpu-quota", new String[] {"cpu", "quota"}),
            Map.entry("--cpu-period", new String[] {"cpu", "period"}),
            Map.entry("--cpu-rt-period", new String[] {"cpu", "realtimePeriod"}),
            Map.entry("--cpu-rt-runtime", new String[] {"cpu", "realtimeRuntime"}),
            Map.entry("--cpuset-cpus", new String[] {"cpu", "cpus"}), Map.entry("--cpuset-mems", new String[] {"cpu", "mems"}),
            Map.entry("--blkio-weight", new String[] {"blockIO", "weight"}), Map.entry("--pids-limit", new String[] {"pids", "limit"}));

    private String resources;
    private final Map<String, String> flags = new LinkedHashMap<>();

    @Override
    public String[] spec() {
        return SPEC;
    }

    @Override
    public int run(Globals g, List<String> args) {
        String id = Args.oneId("update", Args.parse(SPEC, args, (n, v) -> {
            if (n.equals("--resources")) resources = v;
            else if (n.equals("--l3-cache-schema") || n.equals("--mem-bw-schema"))
                throw new JrunException("update: " + n + ": no Intel RDT support");
            else flags.put(n, v);
        }));
        Map<String, Object> r = resources();
        if (g.debug) g.debug("update " + id + ": linux.resources " + jrun.spec.Json.write(r, jrun.spec.Json.Style.COMPACT));
        g.manage().update(id, r);
        return 0;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> resources() {
        Map<String, Object> r = new LinkedHashMap<>();
        if (resources != null) {
            try {
                Object tree = resources.equals("-") ? Json.parse(new String(ConfigFile.bounded(jrun.Invocation.current().in(), "--resources - (stdin)"), StandardCharsets.UTF_8))
                        : ConfigFile.read(jrun.Invocation.current().path(resources)).root();
                r.putAll(ConfigTree.object(tree, "--resources"));
            } catch (IOException e) {
                throw new JrunException("--resources: cannot read stdin: " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw e instanceof JrunException je && je.getMessage().startsWith("--resources") ? je
                        : new JrunException("--resources " + resources + ": " + e.getMessage(), e);
            }
        }
        for (Map.Entry<String, String> f : flags.entrySet()) {
            String[] at = FIELDS.get(f.getKey());
            Map<String, Object> o = r.get(at[0]) instanceof Map<?, ?> m ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
            o.put(at[1], at[1].equals("cpus") || at[1].equals("mems") ? f.getValue() : JsonNumber.of(bytes(f.getKey(), f.getValue())));
            r.put(at[0], o);
        }
        return r;
    }

    /** A number with an optional k/m/g/t suffix (powers of 1024), as runc's flags take them; -1 means unlimited. */
    static long bytes(String flag, String v) {
        String s = v.trim().toLowerCase(java.util.Locale.ROOT);
        long mul = 1;
        if (s.endsWith("b")) s = s.substring(0, s.length() - 1);
        if (!s.isEmpty() && "kmgt".indexOf(s.charAt(s.length() - 1)) >= 0) {
            mul = 1L << (10 * ("kmgt".indexOf(s.charAt(s.length() - 1)) + 1));
            s = s.substring(0, s.length() - 1);
        }
        try {
            long n = Long.parseLong(s);
            return n < 0 ? n : Math.multiplyExact(n, mul);
        } catch (NumberFormatException | ArithmeticException e) {
            throw JrunException.usage(flag + ": expected a number, got \"" + v + "\"");
        }
    }
}
