package jrun.interceptor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import jrun.JrunException;
import jrun.rules.EnvEdit;

class InterceptorArgsTest {

    private static InterceptorArgs parse(String... a) {
        return InterceptorArgs.parse(List.of(a));
    }

    @Test
    void defaultsToRuncAndForwardsEverything() {
        InterceptorArgs a = parse("--root", "/r", "create", "--bundle", "b", "id");
        assertEquals("runc", a.runtimePath());
        assertFalse(a.readonlyNetworkingMounts());
        assertEquals(List.of("--root", "/r", "create", "--bundle", "b", "id"), a.runtimeArgs());
    }

    @Test
    void bothValueFormsAndOldNames() {
        assertEquals("/x/crun", parse("--oi-runtime-path=/x/crun", "state", "id").runtimePath());
        assertEquals("/x/crun", parse("--oi-runtime-path", "/x/crun", "state", "id").runtimePath());
        assertEquals("crun", parse("--runtime-path", "crun", "state").runtimePath());
        assertEquals("crun", parse("--runtime-path=crun", "state").runtimePath());
        assertTrue(parse("--readonly-networking-mounts", "state").readonlyNetworkingMounts());
        assertTrue(parse("--oi-readonly-networking-mounts", "state").readonlyNetworkingMounts());
    }

    @Test
    void envFlagsKeepOrderEmptyValuesAndEquals() {
        InterceptorArgs a = parse("--oi-env", "A=", "--oi-env-force=B=x=y", "--oi-env=C=1", "run", "id");
        assertEquals(List.of(new EnvEdit(EnvEdit.Mode.DEFAULT, "A", ""),
                new EnvEdit(EnvEdit.Mode.FORCE, "B", "x=y"),
                new EnvEdit(EnvEdit.Mode.DEFAULT, "C", "1")), a.envEdits());
    }

    @Test
    void ourFlagsEndAtTheFirstRuntimeArgument() {
        // --oi-env after "create" belongs to the runtime: we do not take it.
        InterceptorArgs a = parse("--oi-env=A=1", "create", "--oi-env=B=2", "id");
        assertEquals(1, a.envEdits().size());
        assertEquals(List.of("create", "--oi-env=B=2", "id"), a.runtimeArgs());
        // a leading "--" ends our flags and is not forwarded
        InterceptorArgs b = parse("--oi-readonly-networking-mounts", "--", "--oi-help");
        assertFalse(b.help());
        assertEquals(List.of("--oi-help"), b.runtimeArgs());
    }

    @Test
    void runtimeHelpAndVersionAreForwarded() {
        assertEquals(List.of("--help"), parse("--help").runtimeArgs());
        assertEquals(List.of("--version"), parse("--version").runtimeArgs());
        assertEquals(List.of("features"), parse("features").runtimeArgs());
        assertTrue(parse("--oi-help").help());
        assertTrue(parse("--oi-version").version());
    }

    @Test
    void debugAndRules() {
        InterceptorArgs a = parse("--oi-write-debug-output", "--oi-debug-output-dir", "/d", "--oi-rules", "r1",
                "--oi-rules=r2", "--oi-no-default-rules", "state");
        assertTrue(a.writeDebugOutput());
        assertEquals("/d", a.debugOutputDir());
        assertEquals(List.of("r1", "r2"), a.rulePaths());
        assertTrue(a.noDefaultRules());
        assertEquals(InterceptorArgs.DEFAULT_DEBUG_DIR, parse("x").debugOutputDir());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--oi-env=NOEQUALS", "--oi-env==v", "--oi-bogus", "--oi-runtime-path", "--oi-runtime-path=",
        "--oi-help=yes", "--oi-env-force"})
    void badFlagsAreUsageErrorsNamingTheFlag(String flag) {
        JrunException e = assertThrows(JrunException.class, () -> parse(flag));
        assertEquals(2, e.exitCode());
        String name = flag.contains("=") ? flag.substring(0, flag.indexOf('=')) : flag;
        assertTrue(e.getMessage().contains(name), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}
