package dev.tollgate.edge.config;

import org.axonframework.eventhandling.TrackingEventStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Wakes the pooled processors' coordinators before the event store's cache has moved past them.
 * <p>
 * Why: a pooled coordinator whose stream cannot call it back when events arrive looks again only 500 ms after it
 * found none (hard-coded in Axon 4.13), and the embedded store's streams cannot. At saturation (about 6,000 events a
 * second) 500 ms is more than the store's cache holds ({@code AxonConfiguration.CACHED_EVENTS}): every coordinator
 * woke behind the cache and read the events again from PostgreSQL on a stream of its own, about nine event rows read
 * and decoded for every one written. Here one thread follows the head of the cache (its reads are the cache's, not the
 * database's) and calls the coordinators back once {@code wakeAfterEvents} have arrived, or {@code maxDelay} after the
 * first of them: at a low rate the coordinators still gather half a second of events per batch, as before; at a high
 * rate they read them while they are still cached.
 */
final class ProcessorWakeups implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProcessorWakeups.class);
    private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(1);

    private final Supplier<TrackingEventStream> headStream;
    private final int wakeAfterEvents;
    private final long maxDelayNanos;
    private final Set<Runnable> callbacks = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean following;

    /**
     * @param headStream      opens a stream at the head of the event store that reads from its cache (never wrapped)
     * @param wakeAfterEvents how many new events wake the coordinators at once
     * @param maxDelay        how long after the first new event they are woken at the latest
     */
    ProcessorWakeups(Supplier<TrackingEventStream> headStream, int wakeAfterEvents, Duration maxDelay) {
        this.headStream = headStream;
        this.wakeAfterEvents = wakeAfterEvents;
        this.maxDelayNanos = maxDelay.toNanos();
        this.thread = new Thread(this::follow, "processor-wakeups");
        this.thread.setDaemon(true);
    }

    /** A coordinator's stream, which calls the coordinator back through this. */
    TrackingEventStream wrap(TrackingEventStream stream) {
        startOnce();
        return new WakingStream(stream);
    }

    private synchronized void startOnce() {
        if (!closed && thread.getState() == Thread.State.NEW) {
            thread.start();
        }
    }

    /** Whether it follows the head of the store (tests wait for it). */
    boolean following() {
        return following;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }

    private void follow() {
        while (!closed) {
            try (TrackingEventStream head = headStream.get()) {
                following = true;
                follow(head);
            } catch (InterruptedException stopping) {
                return;
            } catch (RuntimeException failure) { // the database away while opening or reading: try again later
                following = false;
                log.debug("Following the event store's head failed, again in {}: {}", RETRY_AFTER_FAILURE,
                        failure.toString());
                wakeAll(); // let the coordinators look for themselves meanwhile
                try {
                    Thread.sleep(RETRY_AFTER_FAILURE.toMillis());
                } catch (InterruptedException stopping) {
                    return;
                }
            }
        }
    }

    private void follow(TrackingEventStream head) throws InterruptedException {
        int pending = 0;
        long firstPendingAt = 0;
        while (!closed) {
            long waitNanos = pending == 0 ? TimeUnit.SECONDS.toNanos(1)
                    : Math.max(1, maxDelayNanos - (System.nanoTime() - firstPendingAt));
            if (head.hasNextAvailable((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos)),
                    TimeUnit.MILLISECONDS)) {
                head.nextAvailable();
                if (pending++ == 0) {
                    firstPendingAt = System.nanoTime();
                }
            }
            if (pending > 0 && (pending >= wakeAfterEvents || System.nanoTime() - firstPendingAt >= maxDelayNanos)) {
                wakeAll();
                pending = 0;
            }
        }
    }

    private void wakeAll() {
        for (Runnable callback : callbacks) {
            try {
                callback.run();
            } catch (RuntimeException failure) { // a coordinator stopping: it no longer needs waking
                log.debug("A processor's wake-up failed: {}", failure.toString());
            }
        }
    }

    /** A coordinator's stream: the store's own, plus the call back the store does not offer. */
    private final class WakingStream extends ForwardingEventStream {

        private volatile Runnable callback;

        private WakingStream(TrackingEventStream delegate) {
            super(delegate);
        }

        @Override
        public boolean setOnAvailableCallback(Runnable callback) {
            Runnable previous = this.callback;
            if (previous != null) {
                callbacks.remove(previous);
            }
            this.callback = callback;
            callbacks.add(callback);
            return true;
        }

        @Override
        public void close() {
            Runnable current = callback;
            if (current != null) {
                callbacks.remove(current);
            }
            super.close();
        }
    }
}
