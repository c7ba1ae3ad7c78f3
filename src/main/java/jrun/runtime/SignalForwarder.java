package jrun.runtime;

import java.util.List;

import jrun.helper.HelperProcess;
import jrun.helper.Op;
import jrun.helper.Step;

/**
 * For `run` in the foreground: signals sent to jrun (the JVM) go to the container, as runc
 * does, instead of ending the JVM before it can delete the container. They go to the waiting
 * helper, which passes every signal it gets on to the container's init.
 */
final class SignalForwarder {
    private SignalForwarder() {}

    @SuppressWarnings("removal")
    static void forwardTo(long helperPid) {
        jrun.Invocation inv = jrun.Invocation.current();
        if (inv.warm()) { // the signals go to the client (bin/jrun), whose child the helper is: it passes them on
            if (inv.client() != null) inv.client().forwardSignals();
            return;
        }
        // Not QUIT: the JVM keeps it for thread dumps (jrun never runs with -Xrs), and handle() threw for it.
        for (String name : List.of("TERM", "INT", "HUP", "USR1", "USR2", "WINCH")) {
            int number = Signals.parse(name);
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> {
                    try {
                        HelperProcess.runToEnd(List.of(Step.of(Op.SIGNAL, "run", helperPid, 0L, (long) number)));
                    } catch (RuntimeException e) {
                        // the container is gone already: run is about to return
                    }
                });
            } catch (IllegalArgumentException e) {
                // the JVM reserves this one: leave it alone
            }
        }
    }
}
