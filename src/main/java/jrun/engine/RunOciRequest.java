package jrun.engine;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
        Map<String, String> env = r.env();
        long helper = r.helper(f);
        int nfds = Request.fdCount(fds);
        String cmd = command(argv);
        if (!engine.sameBuild(build) || !WARM.contains(cmd) || !cwd.startsWith("/") || nfds != (helper > 0 ? 5 : 3)
                || cmd.equals("start") && (helper <= 0 || coldReason(argv, Path.of(cwd)) != null)) {
            engine.fellBack(c);
            return;
        }
        PrintStream out = new PrintStream(new BufferedOutputStream(new EngineNative.FdOut(fds[1]), 8192), false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new BufferedOutputStream(new EngineNative.FdOut(fds[2]), 8192), false, StandardCharsets.UTF_8);
        String prefork = helper > 0 ? fds[3] + "," + fds[4] + "," + helper : null;
        // the client is the helper's parent and holds the caller's fds (docs/engine.md, "The caller's fds")
        Invocation inv = Invocation.of(new EngineNative.FdIn(fds[0]), out, err, Path.of(cwd), env, prefork, peerPid, new Engine.ToClient(c));
        Engine.reply(c, 'A'); // with a helper: committed (the client has let it go)
        int status;
        try {
            status = inv.call(() -> jrun.cli.RunOciMain.run(argv));
        } catch (Invocation.ColdOnly e) { // before it did anything (a destroy with hooks)
            jrun.helper.HelperProcess.releaseAdopted(inv);
            out.flush();
            err.flush();
            if (helper > 0) { // the client let its helper go at 'A' (engine_client.c): it cannot run this cold any more
                err.println("run_oci: the jrun engine cannot run this command (" + e.getMessage() + "): run it with JRUN_ENGINE=off");
                err.flush();
                EngineNative.write0(c, new byte[] {'X', 70}, 0, 2);
                return;
            }
            engine.fellBack(c);
            return;
        }
        jrun.helper.HelperProcess.releaseAdopted(inv);
        out.flush();
        err.flush();
        EngineNative.write0(c, new byte[] {'X', (byte) status}, 0, 2);
        engine.served(t0);
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
