package jrun.runtime;

import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.locks.LockSupport;

import jrun.JrunException;

/**
 * Work run on a second thread while the caller goes on: a create's interpreted Java and its
 * syscalls (locking, cgroup mkdirs) then overlap on two cores. get() rethrows the work's own
 * exception, unwrapped.
 */
final class Beside<T> {
    private final FutureTask<T> task;
    private final Worker worker;

    /** The thread, and the work queued for it: each piece runs after the one before. */
    private static final class Worker extends Thread {
        private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();

        Worker() {
            super("jrun-beside");
            setDaemon(true); // a command ends in Runtime.halt; nothing waits for this thread but get()
        }

        // The thread never ends: a process it spawns (the helper, when the launcher forked none)
        // has it as its parent for PR_SET_PDEATHSIG, and a foreground run's helper would die of
        // SIGTERM with it. Parked, it costs nothing until the command's Runtime.halt.
        @Override
        public void run() {
            for (;;) {
                Runnable r = queue.poll();
                if (r != null) r.run();
                else LockSupport.park(this);
            }
        }

        void add(Runnable r) {
            queue.add(r);
            LockSupport.unpark(this);
        }
    }

    private Beside(FutureTask<T> task, Worker worker) {
        this.task = task;
        this.worker = worker;
        worker.add(task);
    }

    static <T> Beside<T> start(Callable<T> work) {
        Worker w = new Worker();
        w.start();
        return new Beside<>(new FutureTask<>(work), w);
    }

    /** Work for the same thread, run once this work is done (whether it failed or not): no second thread to start. */
    <U> Beside<U> then(Callable<U> work) {
        return new Beside<>(new FutureTask<>(work), worker);
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
