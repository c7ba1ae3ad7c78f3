package jrun.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import jrun.JrunException;
import jrun.runtime.ProcStat;

/** The engine's kill: a signal through a pidfd (libjrun.so, loaded from the built tree by -Djrun.lib), only to the process that started when the state says. */
class PidfdTest {
    @Test
    void signalsTheProcessThatStartedThenAndNoOther() throws Exception {
        assertTrue(Pidfd.available(), "libjrun.so did not load from -Djrun.lib (build first)");
        Process p = new ProcessBuilder("sleep", "60").start();
        try {
            long start = ProcStat.liveStartTime(p.pid());
            assertTrue(start > 0);
            Pidfd.signal(p.pid(), start, 0); // alive: nothing sent, no error
            String wrong = assertThrows(JrunException.class, () -> Pidfd.signal(p.pid(), start + 1, 15)).getMessage();
            assertTrue(wrong.endsWith("No such process"), wrong);
            assertTrue(p.isAlive(), "a start time that does not match must not be signalled");
            Pidfd.signal(p.pid(), start, 15);
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            assertEquals(143, p.exitValue()); // SIGTERM
            assertFalse(p.isAlive());
            String gone = assertThrows(JrunException.class, () -> Pidfd.signal(p.pid(), start, 15)).getMessage();
            assertTrue(gone.endsWith("No such process"), gone);
        } finally {
            p.destroyForcibly();
        }
    }
}
