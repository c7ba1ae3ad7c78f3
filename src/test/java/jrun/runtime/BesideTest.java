package jrun.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import jrun.JrunException;

class BesideTest {
    @Test
    void thenRunsOnTheSameThreadAfterTheWorkBefore() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<String> order = new CopyOnWriteArrayList<>();
        Beside<Thread> first = Beside.start(() -> {
            assertTrue(release.await(10, TimeUnit.SECONDS));
            order.add("first");
            return Thread.currentThread();
        });
        Beside<Thread> second = first.then(() -> {
            order.add("second");
            return Thread.currentThread();
        });
        release.countDown();
        Thread t = second.get();
        assertSame(first.get(), t, "one thread for both");
        assertNotSame(Thread.currentThread(), t);
        assertEquals("jrun-beside", t.getName());
        assertEquals(List.of("first", "second"), order, "queued work waits for the work before it");
    }

    @Test
    void aFailureIsRethrownUnwrappedAndTheNextWorkStillRuns() {
        JrunException boom = new JrunException("boom");
        Beside<String> first = Beside.start(() -> {
            throw boom;
        });
        Beside<String> second = first.then(() -> "after " + first.getQuietly());
        assertSame(boom, assertThrows(JrunException.class, first::get));
        assertNull(first.getQuietly());
        assertEquals("after null", second.get(), "the thread goes on to the next work");
        Beside<String> dependent = second.then(() -> first.get()); // work that needs the failed result fails with its error
        assertSame(boom, assertThrows(JrunException.class, dependent::get));
    }

    @Test
    void startTakesThePrestartedThreadAfterItsWorkEvenAFailingOne() throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        Thread[] pre = new Thread[1];
        // prestart's work keeps its failures to itself: what goes wrong in it is handed to this thread
        AtomicReference<Throwable> wrong = new AtomicReference<>();
        Beside.prestart(() -> {
            pre[0] = Thread.currentThread();
            try {
                if (!release.await(10, TimeUnit.SECONDS)) throw new AssertionError("prestart's work was never released");
            } catch (InterruptedException | AssertionError e) {
                wrong.set(e);
                return;
            }
            order.add("prestart");
            throw new IllegalStateException("its failure stays in it");
        });
        Beside<Thread> b = Beside.start(() -> {
            order.add("start");
            return Thread.currentThread();
        });
        release.countDown();
        Thread t = b.get();
        if (wrong.get() != null) throw new AssertionError("in prestart's work: " + wrong.get(), wrong.get());
        assertSame(pre[0], t, "the prestarted thread");
        assertEquals(List.of("prestart", "start"), order);
        assertNotSame(b.get(), Beside.start(() -> Thread.currentThread()).get(), "taken once: the next start has its own");
    }

    @Test
    void aCheckedExceptionBecomesAJrunExceptionWithItsMessage() {
        Beside<String> b = Beside.start(() -> {
            throw new IOException("disk on fire");
        });
        JrunException e = assertThrows(JrunException.class, b::get);
        assertEquals("disk on fire", e.getMessage());
        assertTrue(e.getCause() instanceof IOException);
    }
}
