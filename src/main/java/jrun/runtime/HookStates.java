package jrun.runtime;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import jrun.JrunException;
import jrun.spec.Json;
import jrun.spec.JsonNumber;
import jrun.spec.Spec;

/**
 * The state JSON each hook stage reads on stdin. The status is the one runtime-spec 1.2.1 (our
 * ociVersion) gives to the lifecycle step the hook runs after: prestart, createRuntime and
 * createContainer are steps 3 to 5, after the environment was created (step 2), so "created"
 * ("the runtime has finished the create operation (after step 2)"); runc 1.1.5 gives them
 * "creating" (docs/conformance.md). The pids are runc's (measured with a hook dumping its stdin):
 *
 * <pre>
 *   stage            status     pid
 *   prestart         created    the init's pid on the host
 *   createRuntime    created    the init's pid on the host   (prechroot, run_oci's, the same)
 *   createContainer  created    the init's pid in its own pid namespace (1 with a new one)
 *   startContainer   created    the same
 *   poststart        running    the init's pid on the host   (runc 1.1.5 runs it during create: "created")
 *   poststop         stopped    none
 * </pre>
 *
 * The in-container stages run in the init, before and after `create` returns, so Java sends their
 * states to the helper at create, each in its own slot (HOOK steps name the slot).
 */
final class HookStates {
    /** Helper state slots: 0 is the runtime's view ('G'; the seccomp listener's payload). */
    static final long CREATE_CONTAINER = 1, START_CONTAINER = 2;

    private HookStates() {}

    /** Host-side hooks (prestart, createRuntime, prechroot, poststart): status as given, host pid. */
    static String host(ContainerState st, Status status) {
        return st.specStateJson(status);
    }

    /** poststop: the container has no process any more, so no pid (runc leaves it out). */
    static String poststop(ContainerState st) {
        Map<String, Object> m = st.specState(Status.STOPPED);
        m.remove("pid");
        return Json.write(m, Json.Style.TWO_SPACES);
    }

    /** The slots' states for a container whose init is hostPid on the host; none without in-container hooks. */
    static byte[][] inContainer(Spec spec, ContainerState st, long hostPid) {
        if (spec.hooks().createContainer().isEmpty() && spec.hooks().startContainer().isEmpty()) return new byte[0][];
        return inContainer(st, namespacePid(hostPid));
    }

    /** The states for the createContainer and startContainer slots, in slot order. */
    static byte[][] inContainer(ContainerState st, long namespacePid) {
        return new byte[][] {inContainer(st, Status.CREATED, namespacePid), inContainer(st, Status.CREATED, namespacePid)};
    }

    private static byte[] inContainer(ContainerState st, Status status, long namespacePid) {
        Map<String, Object> m = st.specState(status);
        m.put("pid", JsonNumber.of(namespacePid));
        return Json.write(m, Json.Style.TWO_SPACES).getBytes(StandardCharsets.UTF_8);
    }

    /** What getpid() returns in process pid: the last NSpid field of /proc/PID/status (its own pid namespace). */
    static long namespacePid(long pid) {
        String status = ProcStat.read("/proc/" + pid + "/status");
        long p = status == null ? -1 : lastNsPid(status);
        if (p > 0) return p;
        throw new JrunException("cannot read the container's pid in its namespace from /proc/" + pid + "/status");
    }

    /** The last NSpid field of a /proc/PID/status text, or -1. */
    static long lastNsPid(String statusText) {
        for (String line : statusText.split("\n"))
            if (line.startsWith("NSpid:")) {
                String[] f = line.substring(6).trim().split("\\s+");
                return Long.parseLong(f[f.length - 1]);
            }
        return -1;
    }
}
