package dev.tollgate.edge.support;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds a fake upstream's stream after its first chunk, so a test can act mid-stream (cancel, stop the gateway) and
 * then let it finish. Armed by {@link #arm()}; the stream calls {@link #firstChunkSent(boolean)} after its first chunk.
 */
final class StreamHold {

    private volatile CountDownLatch gate = new CountDownLatch(1);
    private volatile CountDownLatch firstChunkSent = new CountDownLatch(1);

    /** The next held stream stops after its first chunk until {@link #release()}. */
    void arm() {
        gate = new CountDownLatch(1);
        firstChunkSent = new CountDownLatch(1);
    }

    boolean awaitFirstChunkSent() throws InterruptedException {
        return firstChunkSent.await(10, TimeUnit.SECONDS);
    }

    void release() {
        gate.countDown();
    }

    boolean firstChunkPending() {
        return firstChunkSent.getCount() > 0;
    }

    /** Called by a stream after its first chunk; a stream that is to be held waits here until released. */
    void firstChunkSent(boolean hold) {
        firstChunkSent.countDown();
        if (hold) {
            try {
                gate.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
