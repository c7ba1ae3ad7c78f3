package jrun.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jrun.Invocation;
import jrun.JrunException;
import jrun.cli.RunOciArgs;

/**
 * bin/run_oci's request: the same client as bin/jrun's (src/main/c/engine_client.c) under the
 * magic JRUNROC1, run by the cold path's own code (jrun.cli.RunOciMain) in the request's Invocation.
 * Served warm: kill, destroy, and start with the client's helper (the init is its child, so the
 * caller's descendant) unless coldReason finds what needs the caller's own process. run (the
 * foreground) and a command line run_oci itself refuses fall back to the cold JVM.
 */
final class RunOciRequest {
    static final Set<String> WARM = Set.of("kill", "destroy", "start");

    private RunOciRequest() {}

    static void serve(Engine engine, int c, List<String> f, int[] fds, long t0, long peerPid) throws IOException {
        // JRUNROC1 build cwd argc argv... envc env... helperPid, as JRUNENG1
        Request r = Request.of(f);
        String build = r.build(), cwd = r.cwd();
        List<String> argv = r.argv();
        long helper = r.helper(f);
        int nfds = Request.fdCount(fds);
        String cmd = command(argv);
        if (!engine.sameBuild(build) || !WARM.contains(cmd) || !cwd.startsWith("/") || nfds != (helper > 0 ? 5 : 3)
                || cmd.equals("start") && (helper <= 0 || coldReason(argv, Path.of(cwd)) != null)) {
            engine.fellBack(c);
            return;
        }
        Invocation inv = Engine.invocation(c, fds, r, helper, peerPid);
        Engine.reply(c, 'A'); // with a helper: committed (the client has let it go)
        engine.runAccepted(c, "run_oci", inv, helper, () -> jrun.cli.RunOciMain.run(argv), t0);
    }

    /**
     * Why a start must run cold, or null: once accepted, the client's helper is used and it cannot.
     * --log_tag starts logger(1) for the container's output (it would be the engine's child);
     * --log_dir hands the helper the JVM's own fd of the log file; hooks (precreate included) run
     * in the caller's process; a terminal. A config that cannot be read is no reason: start reports it.
     */
    static String coldReason(List<String> argv, Path cwd) {
        try {
            RunOciArgs a = RunOciArgs.parse(argv);
            if (a.logTag() != null) return "--log_tag";
            if (a.logDir() != null) return "--log_dir";
            Path bundle = cwd.resolve(a.containerPath() == null ? "." : a.containerPath());
            Map<String, Object> tree = jrun.spec.Spec.readTree(bundle);
            if (tree.get("hooks") instanceof Map<?, ?> hooks)
                for (Object stage : hooks.values())
                    if (stage instanceof List<?> l && !l.isEmpty()) return "hooks";
            if (tree.get("process") instanceof Map<?, ?> p && Boolean.TRUE.equals(p.get("terminal"))) return "a terminal";
            return null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** run_oci's command word, or "" if its command line is bad (the cold path reports it). */
    static String command(List<String> argv) {
        try {
            RunOciArgs a = RunOciArgs.parse(argv);
            return a.help() ? "" : a.command();
        } catch (JrunException e) {
            return "";
        }
    }
}
