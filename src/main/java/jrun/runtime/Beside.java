package jrun.runtime;

import java.util.ArrayDeque;
import java.util.concurrent.Callable;

import jrun.JrunException;

/**
 * Work run on a second thread while the caller goes on: a create's interpreted Java and its
 * syscalls (locking, cgroup mkdirs) then overlap on two cores. get() rethrows the work's own
 * exception, unwrapped.
 */
final class Beside<T> {
    private final Task<T> task;
    private final Worker worker;

    /**
     * One piece of work and its outcome, run once. Hand-written for startup: FutureTask (and
     * ConcurrentLinkedQueue, LockSupport) initialise VarHandles, ~0.4 ms of every create in the interpreter.
     */
    static final class Task<T> implements Runnable {
        private final Callable<T> work;
        private boolean done;
        private T value;
        private Throwable failure;

        Task(Callable<T> work) {
            this.work = work;
        }

        @Override
        public void run() {
            T v = null;
            Throwable f = null;
            try {
                v = work.call();
            } catch (Throwable t) {
                f = t;
            }
            synchronized (this) {
                value = v;
                failure = f;
                done = true;
                notifyAll();
            }
        }

        /** The result once the work is done (waiting for it), or its own exception, unwrapped. */
        T get() {
            Throwable f;
            T v;
            boolean interrupted = false;
            synchronized (this) {
                while (!done) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        interrupted = true; // the work holds resources (a lock, cgroups): its outcome must be known
                    }
                }
                f = failure;
                v = value;
            }
            if (interrupted) Thread.currentThread().interrupt();
            if (f == null) return v;
            if (f instanceof RuntimeException r) throw r;
            if (f instanceof Error err) throw err;
            throw new JrunException(f.getMessage(), f);
        }
    }

    /**
     * The thread, and the work queued for it: each piece runs after the one before. In the engine
     * (a warm jrun.Invocation) it is a virtual thread bound to the request's Invocation, which ends
     * as soon as it runs dry, and add() starts another for what comes later. (It used to wait a
     * second for more: that timed wait kept the request's objects, its Invocation and streams,
     * reachable past many young collections, and they were promoted: the engine's old generation
     * grew ~5 MB per 1000 requests until a full collection, and its RSS with it.) Cold, a platform
     * thread that never ends.
     */
    private static final class Worker implements Runnable {
        private final ArrayDeque<Runnable> queue = new ArrayDeque<>(); // guarded by itself
        private final jrun.Invocation inv;
        private final Thread thread;
        private boolean ended; // guarded by queue: a warm worker that ran dry; add() then starts another

        Worker() {
            jrun.Invocation i = jrun.Invocation.current();
            inv = i.warm() ? i : null;
            if (inv != null) thread = warmThread();
            else {
                thread = new Thread(this, "jrun-beside");
                thread.setDaemon(true); // a command ends in Runtime.halt; nothing waits for this thread but get()
            }
        }

        private Thread warmThread() {
            return Thread.ofVirtual().name("jrun-beside").unstarted(() -> inv.call(() -> {
                this.run();
                return null;
            }));
        }

        void start() {
            thread.start();
        }

        // Cold, the thread never ends: a process it spawns (the helper, when the launcher forked none)
        // has it as its parent for PR_SET_PDEATHSIG, and a foreground run's helper would die of
        // SIGTERM with it. Waiting, it costs nothing until the command's Runtime.halt.
        @Override
        public void run() {
            for (;;) {
                Runnable r;
                synchronized (queue) {
                    while ((r = queue.poll()) == null) {
                        if (inv != null) { // warm: dry, so done; add() starts another thread for more
                            ended = true;
                            return;
                        }
                        try {
                            queue.wait();
                        } catch (InterruptedException e) {
                            // nothing interrupts this thread; keep serving
                        }
                    }
                }
                r.run();
            }
        }

        void add(Runnable r) {
            synchronized (queue) {
                queue.add(r);
                queue.notify();
                if (ended) { // ran dry and ended: a new thread takes the queue, in order
                    ended = false;
                    warmThread().start();
                }
            }
        }
    }

    private Beside(Task<T> task, Worker worker) {
        this.task = task;
        this.worker = worker;
        worker.add(task);
    }

    /** A thread started by prestart() for the next start() to take, or null. */
    private static Worker ready;

    static synchronized <T> Beside<T> start(Callable<T> work) {
        Worker w = jrun.Invocation.current().warm() ? null : ready;
        if (w != null) ready = null;
        if (w != null) return new Beside<>(new Task<>(work), w);
        w = new Worker();
        Beside<T> b = new Beside<>(new Task<>(work), w); // queued first: the thread finds it as it starts
        w.start();
        return b;
    }

    /**
     * Starts the thread of the next start() now, with work that needs nothing from the caller (a
     * library to load): while this one still parses its arguments, the thread starts and does it.
     */
    static synchronized void prestart(Runnable work) {
        if (ready != null || jrun.Invocation.current().warm()) return; // the engine has loaded it already
        ready = new Worker();
        ready.add(new Task<>(() -> { // a Task: its failure stays in it, and the thread goes on
            work.run();
            return null;
        }));
        ready.start();
    }

    /** Work for the same thread, run once this work is done (whether it failed or not): no second thread to start. */
    <U> Beside<U> then(Callable<U> work) {
        return new Beside<>(new Task<>(work), worker);
    }

    /** The result, or the work's exception. */
    T get() {
        return task.get();
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
