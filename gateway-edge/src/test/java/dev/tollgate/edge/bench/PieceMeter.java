package dev.tollgate.edge.bench;

import java.lang.management.ManagementFactory;
import java.util.function.Supplier;

/**
 * Measures one piece of work in this thread: {@code calls} calls to warm it up, then {@code calls} measured, and prints
 * its CPU and allocated bytes per call as a {@code PROBE} line. Returns what the calls returned, summed, so that the
 * JIT cannot drop them.
 */
final class PieceMeter {

    private PieceMeter() {
    }

    static long measure(String name, int calls, Supplier<Long> work) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int i = 0; i < calls; i++) {
            sink += work.get();
        }
        long bytes0 = threads.getCurrentThreadAllocatedBytes();
        long cpu0 = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < calls; i++) {
            sink += work.get();
        }
        long cpu = threads.getCurrentThreadCpuTime() - cpu0;
        long bytes = threads.getCurrentThreadAllocatedBytes() - bytes0;
        System.out.printf("PROBE %-42s %8.2f µs CPU %10.0f bytes per call%n", name, cpu / 1e3 / calls,
                (double) bytes / calls);
        return sink;
    }
}
