package jrun.engine;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jrun.Invocation;
import jrun.JrunException;
import jrun.cli.RunOciArgs;

/**
 * bin/run_oci's request: the same client as bin/jrun's (src/main/c/engine_client.c) under the
 * magic JRUNROC1, run by the cold path's own code (jrun.cli.RunOciMain) in the request's Invocation.
 * Served warm: kill and destroy. start and run create a container, and fall back to the cold JVM
 * (their create is not served warm yet); so does a command line run_oci itself refuses.
 */
final class RunOciRequest {
    static final Set<String> WARM = Set.of("kill", "destroy");

    private RunOciRequest() {}

    static void serve(Engine engine, int c, List<String> f, int[] fds, long t0, long peerPid) throws IOException {
        // JRUNROC1 build cwd argc argv... envc env... helperPid, as JRUNENG1
        int at = 1;
        String build = f.get(at++), cwd = f.get(at++);
        int argc = Integer.parseInt(f.get(at++));
        List<String> argv = new ArrayList<>(f.subList(at, at + argc));
        at += argc;
        int envc = Integer.parseInt(f.get(at++));
        Map<String, String> env = new HashMap<>();
        for (String kv : f.subList(at, at + envc)) {
            int eq = kv.indexOf('=');
            if (eq > 0) env.putIfAbsent(kv.substring(0, eq), kv.substring(eq + 1));
        }
        at += envc;
        long helper = Long.parseLong(f.get(at));
        int nfds = 0;
        while (nfds < fds.length && fds[nfds] >= 0) nfds++;
        if (!engine.sameBuild(build) || !WARM.contains(command(argv)) || !cwd.startsWith("/") || nfds != (helper > 0 ? 5 : 3)) {
            engine.fellBack(c);
            return;
        }
        Engine.reply(c, 'A');
        PrintStream out = new PrintStream(new BufferedOutputStream(new EngineNative.FdOut(fds[1]), 8192), false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new BufferedOutputStream(new EngineNative.FdOut(fds[2]), 8192), false, StandardCharsets.UTF_8);
        String prefork = helper > 0 ? fds[3] + "," + fds[4] + "," + helper : null;
        // the client is the helper's parent and holds the caller's fds (docs/engine.md, "The caller's fds")
        Invocation inv = Invocation.of(new EngineNative.FdIn(fds[0]), out, err, Path.of(cwd), env, prefork, peerPid, new Engine.ToClient(c));
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
