package jrun.cli;

import java.util.Arrays;
import java.util.List;

import jrun.JrunException;
import jrun.Version;
import jrun.interceptor.ExecPlan;
import jrun.interceptor.Interceptor;
import jrun.interceptor.InterceptorArgs;
import jrun.interceptor.RuntimeCall;
import jrun.rules.Context;
import jrun.rules.RuleSet;

/**
 * Entry point of bin/oci-interceptor when the launcher needs Java (create, run, restore, rules,
 * help, debug output). Writes an exec plan to the launcher's fd, or reports one error line and
 * exits non-zero, in which case the runtime is never started.
 */
public final class InterceptorMain {
    private InterceptorMain() {}

    public static void main(String[] argv) {
        Exit.now(execute(argv, Integer.getInteger("jrun.plan.fd", -1)));
    }

    /** Runs one call and returns the exit status; the plan (if any) goes to planFd. */
    public static int execute(String[] argv, int planFd) {
        return execute(argv, plan -> {
            if (planFd < 0) throw new JrunException("no plan fd: run oci-interceptor through bin/oci-interceptor");
            plan.send(planFd);
        });
    }

    /**
     * Runs one call in Invocation.current()'s world (the engine's request, or this process) and
     * returns the exit status; the plan, if any, goes to sink (the launcher's fd, or the engine's answer).
     */
    public static int execute(String[] argv, java.util.function.Consumer<ExecPlan> sink) {
        List<String> args = Arrays.asList(argv);
        RuntimeCall call = null;
        boolean debug = false;
        int status;
        try {
            InterceptorArgs parsed = InterceptorArgs.parse(args);
            call = RuntimeCall.parse(parsed.runtimeArgs());
            debug = parsed.runtimeArgs().contains("--debug");
            status = run(parsed, call, sink);
        } catch (JrunException e) {
            if (call == null) call = RuntimeCall.findLog(args); // still find --log for the JSON line
            ErrorLog.report("oci-interceptor", e.getMessage(), call.logFile(), call.jsonLog());
            if (debug && e.getCause() != null) e.printStackTrace(jrun.Invocation.current().err());
            status = e.exitCode();
        } catch (RuntimeException | Error e) {
            if (call == null) call = RuntimeCall.findLog(args);
            ErrorLog.report("oci-interceptor", "internal error: " + e, call.logFile(), call.jsonLog());
            if (debug) e.printStackTrace(jrun.Invocation.current().err());
            status = 70;
        }
        return status;
    }

    static int run(InterceptorArgs args, RuntimeCall call, java.util.function.Consumer<ExecPlan> sink) {
        jrun.Invocation inv = jrun.Invocation.current();
        if (args.help()) {
            inv.out().print(Help.page(null, InterceptorArgs.SPEC, null));
            return 0;
        }
        if (args.version()) {
            inv.out().println("oci-interceptor " + Version.VERSION);
            return 0;
        }
        List<String> rest = args.runtimeArgs();
        if (!rest.isEmpty() && rest.get(0).equals("rules")) {
            int status = new RulesCommand(args, RuleSet.DEFAULT_DIR, Context.host(), inv.out(), inv.err())
                    .run(rest.subList(1, rest.size()));
            inv.out().flush();
            return status;
        }
        sink.accept(new Interceptor(args, inv.env()).run(call));
        return 0;
    }
}
