package jrun.engine;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jrun.Invocation;
import jrun.JrunException;
import jrun.interceptor.InterceptorArgs;
import jrun.interceptor.RuntimeCall;

/**
 * bin/oci-interceptor's request (src/main/c/engine_plan.c): the create/run/restore rewrite of a
 * bundle's config.json, done by the cold path's own code (jrun.cli.InterceptorMain) in a
 * request's Invocation, answered with the exec plan; the launcher execs the runtime itself.
 *
 * <pre>
 *   JRUNOCI1 build cwd argc argv... envc env...     fds: stdin stdout stderr
 *   answer: 'F' | 'A' 'P' u32-length plan | 'A' 'X' status
 * </pre>
 * Falls back (F) for a command line naming a file relative to the caller's directory other than
 * the bundle and --process (rule files, the debug directory, --log, a runtime path), and for the
 * `rules` tooling: the JVM's file calls resolve against the engine's directory, not the caller's.
 */
final class InterceptorRequest {
    private InterceptorRequest() {}

    static void serve(Engine engine, int c, List<String> f, int[] fds, long t0) throws IOException {
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
        if (!engine.sameBuild(build) || fds[2] < 0 || !cwd.startsWith("/") || !servable(argv)) {
            engine.fellBack(c);
            return;
        }
        Engine.reply(c, 'A');
        PrintStream out = new PrintStream(new BufferedOutputStream(new EngineNative.FdOut(fds[1]), 8192), false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new BufferedOutputStream(new EngineNative.FdOut(fds[2]), 8192), false, StandardCharsets.UTF_8);
        Invocation inv = Invocation.of(new EngineNative.FdIn(fds[0]), out, err, Path.of(cwd), env, null);
        byte[][] plan = new byte[1][];
        int status = inv.call(() -> jrun.cli.InterceptorMain.execute(argv.toArray(String[]::new), p -> plan[0] = p.encode()));
        out.flush();
        err.flush();
        if (status == 0 && plan[0] != null) {
            byte[] answer = ByteBuffer.allocate(5 + plan[0].length).put((byte) 'P').putInt(plan[0].length).put(plan[0]).array();
            EngineNative.write0(c, answer, 0, answer.length);
        } else {
            EngineNative.write0(c, new byte[] {'X', (byte) status}, 0, 2);
        }
        engine.served(t0);
    }

    /** Whether the engine can run this command line as the caller would (see the class comment). */
    static boolean servable(List<String> argv) {
        InterceptorArgs a;
        try {
            a = InterceptorArgs.parse(argv);
        } catch (JrunException e) {
            return true; // the error line is the same warm
        }
        List<String> rest = a.runtimeArgs();
        if (!rest.isEmpty() && rest.get(0).equals("rules")) return false;
        if (a.runtimePath().contains("/") && !a.runtimePath().startsWith("/")) return false;
        for (String r : a.rulePaths()) if (!r.startsWith("/")) return false;
        if (a.writeDebugOutput() && !a.debugOutputDir().startsWith("/")) return false;
        String log = RuntimeCall.findLog(argv).logFile();
        RuntimeCall call = RuntimeCall.parse(rest);
        return (log == null || log.startsWith("/")) && (call.logFile() == null || call.logFile().startsWith("/"));
    }
}
