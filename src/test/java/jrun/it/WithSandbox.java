package jrun.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import jrun.testing.Sandbox;

/**
 * A root integration test with a fresh {@link Sandbox} per test in {@code sb}, closed after the
 * test even when it fails. A subclass's own @BeforeEach runs after the sandbox is made, its
 * own @AfterEach before the sandbox is closed.
 */
abstract class WithSandbox {
    Sandbox sb;

    @BeforeEach
    final void openSandbox() throws Exception {
        sb = new Sandbox();
    }

    @AfterEach
    final void closeSandbox() throws Exception {
        if (sb != null) sb.close();
    }
}
