package jrun.engine;

/**
 * Phase times of one request (JRUN_ENGINE_TIMING in the engine's environment): microseconds since
 * the accept, one line per request in the engine's log. Off, it costs one static boolean test per mark.
 */
final class Timing {
    private Timing() {}

    private static final ThreadLocal<StringBuilder> LINE = new ThreadLocal<>();
    private static final ThreadLocal<long[]> START = new ThreadLocal<>();

    static void start(long accepted) {
        START.set(new long[] {accepted});
        LINE.set(new StringBuilder("jrun engine: timing us: ").append(Thread.currentThread().isVirtual() ? "virtual" : "inline").append(' ').append((System.nanoTime() - accepted) / 1000));
    }

    static void mark(String phase) {
        StringBuilder b = LINE.get();
        if (b != null) b.append(' ').append(phase).append(' ').append((System.nanoTime() - START.get()[0]) / 1000);
    }

    static void end() {
        StringBuilder b = LINE.get();
        if (b == null) return;
        mark("end");
        System.err.println(b);
        LINE.remove();
        START.remove();
    }
}
