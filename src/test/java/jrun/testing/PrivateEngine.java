package jrun.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The integration tests a second time through the jrun engine (pom.xml, Failsafe's execution
 * "engine", run by `./build.sh test`): with -Djrun.it.engine=true and JRUN_ENGINE_SOCKET set for the
 * whole test JVM (so for every bin/jrun, oci-interceptor and run_oci a test starts, dockerd's and
 * containerd's too; Podman gives its runtime an environment of its own, so {@link Podman} wraps it),
 * each test class gets a private engine on that socket, started before it and stopped after it. A
 * class that the engine served nothing fails: the run would have been the cold one again.
 * Registered by JUnit's extension autodetection (META-INF/services), enabled only in that execution.
 */
public final class PrivateEngine implements BeforeAllCallback, AfterAllCallback {
    /** A class that starts an engine of its own (from a copy of the build, whose clients another build's engine refuses). */
    public interface OwnEngine {}

    public static boolean on() {
        return Boolean.getBoolean("jrun.it.engine") && System.getenv("JRUN_ENGINE_SOCKET") != null;
    }

    private static Cmd.Result engine(String what) {
        // JRUN_ENGINE=off: `engine status` itself must not be a request; the socket is the JVM's JRUN_ENGINE_SOCKET
        return Cmd.run(List.of(Home.bin("jrun"), "engine", what), Path.of("/"), Map.of("JRUN_ENGINE", "off"), 60);
    }

    @Override
    public void beforeAll(ExtensionContext ctx) {
        if (!on() || OwnEngine.class.isAssignableFrom(ctx.getRequiredTestClass())) return;
        Cmd.Result r = engine("start");
        if (r.exit() != 0) throw new IllegalStateException("jrun engine start for " + ctx.getDisplayName() + ": " + r);
    }

    @Override
    public void afterAll(ExtensionContext ctx) {
        if (!on() || OwnEngine.class.isAssignableFrom(ctx.getRequiredTestClass())) return;
        Cmd.Result st = engine("status");
        engine("stop");
        String requests = st.out().lines().filter(l -> l.startsWith("requests ")).findFirst().orElse("requests ?");
        String fallbacks = st.out().lines().filter(l -> l.startsWith("fallbacks ")).findFirst().orElse("fallbacks ?");
        System.out.println("PrivateEngine: " + ctx.getDisplayName() + " through the engine: " + requests + ", " + fallbacks);
        if (st.exit() != 0 || requests.equals("requests 0") || requests.equals("requests ?"))
            throw new IllegalStateException("the jrun engine served none of " + ctx.getDisplayName() + "'s calls: " + st);
    }
}
