package jrun.linux;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import jrun.JrunException;
import jrun.spec.ConfigTree;

/**
 * {@code linux.sysctl}: checks each key the way runc 1.1's config validator does (only
 * namespaced sysctls, and only when the container has that namespace), and gives the file under
 * /proc/sys to write inside the container's namespaces (the helper opens it through its own
 * procfs handle).
 *
 * <ul>
 * <li>kernel.msgmax, msgmnb, msgmni, sem, shmall, shmmax, shmmni, shm_rmid_forced and fs.mqueue.*
 *     need an ipc namespace;</li>
 * <li>net.* needs a network namespace that is not the host's (a joined path is checked);</li>
 * <li>kernel.domainname needs a uts namespace; kernel.hostname is refused (use "hostname");</li>
 * <li>anything else is "not in a separate kernel namespace".</li>
 * </ul>
 */
public final class Sysctls {
    private Sysctls() {}

    private static final Set<String> IPC = Set.of("kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
            "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced");

    public record Write(String key, Path file, String value) {}

    /**
     * @param namespaces the container's namespace types ("ipc", "network", "uts", ...) mapped to
     *        their path ("" when new)
     * @param isHostNetns whether a network namespace path is the runtime's own one
     */
    public static List<Write> plan(Map<String, Object> sysctl, String path, Map<String, String> namespaces,
            Predicate<String> isHostNetns) {
        List<Write> out = new ArrayList<>();
        if (sysctl == null) return out;
        for (Map.Entry<String, Object> e : sysctl.entrySet()) {
            String key = e.getKey(), at = path + "[\"" + key + "\"]";
            String value = ConfigTree.string(e.getValue(), at);
            check(key, at, namespaces, isHostNetns);
            if (key.isEmpty() || key.startsWith(".") || key.endsWith(".") || key.contains("..") || key.contains("/")) {
                throw new JrunException(at + ": not a sysctl name");
            }
            out.add(new Write(key, Path.of("/proc/sys", key.replace('.', '/')), value));
        }
        return out;
    }

    private static void check(String key, String at, Map<String, String> ns, Predicate<String> isHostNetns) {
        if (IPC.contains(key) || key.startsWith("fs.mqueue.")) {
            if (ns.containsKey("ipc")) return;
            throw new JrunException(at + ": sysctl \"" + key + "\" is not allowed in the host's ipc namespace");
        }
        if (key.startsWith("net.")) {
            String p = ns.get("network");
            if (p == null || (!p.isEmpty() && isHostNetns.test(p))) {
                throw new JrunException(at + ": sysctl \"" + key + "\" is not allowed in the host's network namespace");
            }
            return;
        }
        if (ns.containsKey("uts")) {
            if (key.equals("kernel.domainname")) return;
            if (key.equals("kernel.hostname")) {
                throw new JrunException(at + ": sysctl \"kernel.hostname\" is not allowed as it conflicts with the OCI \"hostname\" field");
            }
        }
        throw new JrunException(at + ": sysctl \"" + key + "\" is not in a separate kernel namespace");
    }

    /** Whether path names the network namespace this process is in (same device and inode). */
    public static boolean isOwnNetns(String path) {
        try {
            Path own = Path.of("/proc/self/ns/net");
            return Files.getAttribute(Path.of(path), "unix:ino").equals(Files.getAttribute(own, "unix:ino"))
                    && Files.getAttribute(Path.of(path), "unix:dev").equals(Files.getAttribute(own, "unix:dev"));
        } catch (java.io.IOException e) {
            throw new JrunException("linux.namespaces: cannot stat network namespace " + path + ": " + e.getMessage(), e);
        }
    }
}
