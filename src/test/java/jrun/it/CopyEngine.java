package jrun.it;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import jrun.testing.PrivateEngine;
import jrun.testing.Sandbox;

/**
 * The engine run of the tests (PrivateEngine.on()) for a class that attacks a copy of the build:
 * the attacks go through an engine of the copy's own build (an engine refuses another build's
 * clients), on the test JVM's JRUN_ENGINE_SOCKET. Such a class implements PrivateEngine.OwnEngine,
 * starts one per test, stops it after, and fails if its engines served none of its calls.
 */
final class CopyEngine {
    private CopyEngine() {}

    /** Requests the copies' engines served in the running class (one class runs at a time). */
    private static long served;

    static void newClass() {
        served = 0;
    }

    /** Starts the engine of the copy whose bin/jrun this is (nothing outside the engine run). */
    static void start(Path jrun) {
        if (PrivateEngine.on()) engine(jrun, "start").ok();
    }

    /** Stops it and counts what it served; who names the class in the test's output. */
    static void stop(Path jrun, String who) {
        if (!PrivateEngine.on()) return;
        Sandbox.Result st = engine(jrun, "status");
        engine(jrun, "stop");
        String requests = st.out().lines().filter(l -> l.startsWith("requests ")).findFirst().orElse("requests ?");
        System.out.println("CopyEngine: " + who + " through its copy's engine: " + requests);
        if (st.status() != 0 || requests.equals("requests ?")) throw new AssertionError("the copy's engine: " + st.out() + st.err());
        served += Long.parseLong(requests.substring("requests ".length()));
    }

    /** For the class's end: some of its calls went through its engines. */
    static void assertServed(String who) {
        if (PrivateEngine.on() && served == 0) throw new AssertionError("the copies' engines served none of " + who + "'s jrun calls");
    }

    private static Sandbox.Result engine(Path jrun, String what) {
        // JRUN_ENGINE=off: `engine status` itself must not be a request
        return Sandbox.exec(List.of(jrun.toString(), "engine", what), Path.of("/"), Map.of("JRUN_ENGINE", "off"));
    }
}
