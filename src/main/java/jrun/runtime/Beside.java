package jrun.runtime;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

import jrun.JrunException;

/**
 * Work run on a second thread while the caller goes on: a create's interpreted Java and its
 * syscalls (locking, cgroup mkdirs) then overlap on two cores. get() rethrows the work's own
 * exception, unwrapped.
 */
final class Beside<T> {
    private final FutureTask<T> task;

    private Beside(Callable<T> work) {
        task = new FutureTask<>(work);
        // The thread never ends: a process it spawns (the helper, when the launcher forked none)
        // has it as its parent for PR_SET_PDEATHSIG, and a foreground run's helper would die of
        // SIGTERM with it. Parked, it costs nothing until the command's Runtime.halt.
        Thread t = new Thread(() -> {
            task.run();
            for (;;) java.util.concurrent.locks.LockSupport.park();
        }, "jrun-beside");
        t.setDaemon(true); // a command ends in Runtime.halt; nothing waits for this thread but get()
        t.start();
    }

    static <T> Beside<T> start(Callable<T> work) {
        return new Beside<>(work);
    }

    /** The result, or the work's exception. */
    T get() {
        return unwrap(task);
    }

    /** A task's result once it is done (waiting for it), or its own exception, unwrapped. */
    static <T> T unwrap(FutureTask<T> task) {
        boolean interrupted = false;
        try {
            for (;;) {
                try {
                    return task.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the work holds resources (a lock, cgroups): its outcome must be known
                }
            }
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) throw r;
            if (c instanceof Error err) throw err;
            throw new JrunException(c.getMessage(), c);
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** The result if the work succeeded, else null (its exception is dropped: the caller has its own error to report). */
    T getQuietly() {
        try {
            return get();
        } catch (RuntimeException | Error e) {
            return null;
        }
    }
}
