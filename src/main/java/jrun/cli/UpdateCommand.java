package jrun.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
    /** flag -> {object, member} in linux.resources */
    private static final Map<String, String[]> FLAGS = Map.ofEntries(
            Map.entry("--memory", new String[] {"memory", "limit"}), Map.entry("-m", new String[] {"memory", "limit"}),
            Map.entry("--memory-reservation", new String[] {"memory", "reservation"}),
            Map.entry("--memory-swap", new String[] {"memory", "swap"}),
            Map.entry("--kernel-memory", new String[] {"memory", "kernel"}),
            Map.entry("--kernel-memory-tcp", new String[] {"memory", "kernelTCP"}),
            Map.entry("--cpu-shares", new String[] {"cpu", "shares"}), Map.entry("--cpu-quota", new String[] {"cpu", "quota"}),
            Map.entry("--cpu-period", new String[] {"cpu", "period"}),
            Map.entry("--cpu-rt-period", new String[] {"cpu", "realtimePeriod"}),
            Map.entry("--cpu-rt-runtime", new String[] {"cpu", "realtimeRuntime"}),
            Map.entry("--cpuset-cpus", new String[] {"cpu", "cpus"}), Map.entry("--cpuset-mems", new String[] {"cpu", "mems"}),
            Map.entry("--blkio-weight", new String[] {"blockIO", "weight"}), Map.entry("--pids-limit", new String[] {"pids", "limit"}));

    private String resources;
    private final Map<String, String> flags = new LinkedHashMap<>();

    @Override
    public int run(Globals g, List<String> args) {
        Set<String> values = new java.util.HashSet<>(FLAGS.keySet());
        values.addAll(List.of("--resources", "-r", "--l3-cache-schema", "--mem-bw-schema"));
        String id = Args.oneId("update", new Args("update", args).parse(values, Set.of(), (n, v) -> {
            if (n.equals("--resources") || n.equals("-r")) resources = v;
            else if (n.equals("--l3-cache-schema") || n.equals("--mem-bw-schema"))
                throw new JrunException("update: " + n + ": no Intel RDT support");
            else flags.put(n, v);
        }));
        g.manage().update(id, resources());
        return 0;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> resources() {
        Map<String, Object> r = new LinkedHashMap<>();
        if (resources != null) {
            try {
                Object tree = resources.equals("-") ? Json.parse(new String(System.in.readAllBytes(), StandardCharsets.UTF_8))
                        : ConfigFile.read(Path.of(resources)).root();
                r.putAll(ConfigTree.object(tree, "--resources"));
            } catch (IOException e) {
                throw new JrunException("--resources: cannot read stdin: " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw e instanceof JrunException je && je.getMessage().startsWith("--resources") ? je
                        : new JrunException("--resources " + resources + ": " + e.getMessage(), e);
            }
        }
        for (Map.Entry<String, String> f : flags.entrySet()) {
            String[] at = FLAGS.get(f.getKey());
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
