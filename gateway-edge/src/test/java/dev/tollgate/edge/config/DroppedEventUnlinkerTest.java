package dev.tollgate.edge.config;

import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingEventStream;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The events Axon's cache has dropped no longer link to the cache (so that a dead node in the old generation cannot
 * keep the young ones alive), the cache itself stays linked, and no stream misses an event because of it.
 */
class DroppedEventUnlinkerTest {

    private static final int CACHED = 10;

    private final List<EmbeddedEventStore> stores = new ArrayList<>();

    @AfterEach
    void shutDown() {
        stores.forEach(EmbeddedEventStore::shutDown);
    }

    @Test
    void unlinksTheDroppedEventsAndKeepsTheCacheLinked() throws InterruptedException {
        assertThat(DroppedEventUnlinker.supported()).as("Axon's cache has the fields this unlinks through").isTrue();
        EmbeddedEventStore store = store(new SnapshotReadingEngine());
        DroppedEventUnlinker unlinker = new DroppedEventUnlinker(store);
        TrackingEventStream stream = store.openStream(null);
        List<Object> formerOldest = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            store.publish(GenericEventMessage.asEventMessage(i));
            assertThat(next(stream).getPayload()).isEqualTo(i);
            Object oldest = unlinker.oldest();
            if (oldest != null && !formerOldest.contains(oldest)) {
                formerOldest.add(oldest);
                unlinker.run();
            }
        }
        // the store's reader may still be between appending the last event and dropping the oldest
        await().atMost(Duration.ofSeconds(10)).until(() -> nodesFrom(unlinker.oldest()).size() == CACHED);
        Object oldest = unlinker.oldest();
        unlinker.run();

        formerOldest.remove(oldest);
        assertThat(formerOldest).as("the cache has dropped events while the stream read them").hasSizeGreaterThan(10);
        assertThat(formerOldest).allSatisfy(dropped -> assertThat(DroppedEventUnlinker.next(dropped)).isNull());
        assertThat(nodesFrom(oldest)).as("the cached events are still linked, oldest to newest").hasSize(CACHED);
    }

    /** The nodes that follow one another from {@code node} on, itself included. */
    private static List<Object> nodesFrom(Object node) {
        List<Object> nodes = new ArrayList<>();
        for (Object at = node; at != null; at = DroppedEventUnlinker.next(at)) {
            nodes.add(at);
        }
        return nodes;
    }

    @Test
    void aStreamThatFallsBehindTheCacheStillReadsEveryEventOnce() throws Exception {
        SnapshotReadingEngine engine = new SnapshotReadingEngine();
        EmbeddedEventStore store = store(engine);
        DroppedEventUnlinker unlinker = new DroppedEventUnlinker(store);
        AtomicBoolean done = new AtomicBoolean();
        CompletableFuture<Void> unlinking = CompletableFuture.runAsync(() -> {
            while (!done.get()) {
                unlinker.run();
                Thread.onSpinWait();
            }
        });
        // Rounds of 150 events: both streams read the first 50 in step with the writer (following the cache), then
        // the slow one stops while 100 more are stored (ten times what the cache holds) and catches up after.
        int rounds = 4;
        int inStep = 50;
        int behind = 100;
        int events = rounds * (inStep + behind);
        Semaphore readByFast = new Semaphore(0);
        Semaphore readBySlow = new Semaphore(0);
        Semaphore slowMayGoOn = new Semaphore(0);
        TrackingEventStream fast = store.openStream(null);
        TrackingEventStream slow = store.openStream(null);
        CompletableFuture<List<Object>> fastRead = CompletableFuture.supplyAsync(
                () -> read(fast, events, i -> { }, readByFast::release));
        CompletableFuture<List<Object>> slowRead = CompletableFuture.supplyAsync(() -> read(slow, events, i -> {
            if (i % (inStep + behind) == inStep) {
                slowMayGoOn.acquireUninterruptibly();
            }
        }, readBySlow::release));
        try {
            for (int i = 0; i < events; i++) {
                store.publish(GenericEventMessage.asEventMessage(i));
                assertThat(readByFast.tryAcquire(30, TimeUnit.SECONDS)).as("the fast stream read event %d", i).isTrue();
                int inRound = i % (inStep + behind);
                if (inRound < inStep) {
                    int read = i >= inStep + behind && inRound == 0 ? behind + 1 : 1; // the last round's backlog
                    assertThat(readBySlow.tryAcquire(read, 30, TimeUnit.SECONDS)).as("the slow stream read event %d", i)
                            .isTrue();
                } else if (inRound == inStep + behind - 1) {
                    slowMayGoOn.release();
                }
            }
            List<Object> expected = IntStream.range(0, events).boxed().map(Object.class::cast).toList();
            assertThat(fastRead.get(30, TimeUnit.SECONDS)).containsExactlyElementsOf(expected);
            assertThat(slowRead.get(30, TimeUnit.SECONDS)).containsExactlyElementsOf(expected);
            // the two streams' first reads, and the slow one's each time it had fallen behind the cache
            assertThat(engine.privateReads).as("streams that read the store behind the cache")
                    .hasValueGreaterThanOrEqualTo(2 + rounds);
        } finally {
            done.set(true);
            unlinking.join();
        }
    }

    @Test
    void theLingeringEventStoreUnlinksOnItsOwn() throws InterruptedException {
        LingeringEventStore store = new LingeringEventStore(
                EmbeddedEventStore.builder().storageEngine(new SnapshotReadingEngine()).cachedEvents(CACHED),
                Duration.ofMillis(1), CACHED / 2);
        stores.add(store);
        DroppedEventUnlinker probe = new DroppedEventUnlinker(store);
        TrackingEventStream stream = store.openStream(null);
        // A new stream reads the store until it has caught up and then follows the cache, which fills from then on.
        AtomicInteger published = new AtomicInteger();
        while (probe.oldest() == null && published.get() < 100) {
            store.publish(GenericEventMessage.asEventMessage(published.getAndIncrement()));
            next(stream);
        }
        Object first = probe.oldest();
        assertThat(first).as("the stream follows the cache").isNotNull();

        // The store's unlinker starts from the oldest event it first sees, so events keep coming until the chain from
        // the first cached event is cut somewhere before the cache's oldest.
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            store.publish(GenericEventMessage.asEventMessage(published.getAndIncrement()));
            next(stream);
            return !nodesFrom(first).contains(probe.oldest());
        });
    }

    /**
     * The stream's next event, looked for as Axon's processors look (a short wait, again): a stream's wait for the
     * cache can miss the wake-up of an event appended between its look and its wait, and then sleeps until the next
     * event, which in these tests comes only after this one is read.
     */
    private static TrackedEventMessage<?> next(TrackingEventStream stream) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!stream.hasNextAvailable(10, TimeUnit.MILLISECONDS)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no event within 30 s");
            }
        }
        return stream.nextAvailable();
    }

    /** Reads {@code count} payloads; {@code before} runs before the i-th, {@code afterEach} after each. */
    private static List<Object> read(TrackingEventStream stream, int count, IntConsumer before, Runnable afterEach) {
        List<Object> payloads = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                before.accept(i);
                payloads.add(next(stream).getPayload());
                afterEach.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return payloads;
    }

    /**
     * Axon's in-memory engine reads a live view, so a stream reading it privately never runs out and never follows
     * the cache; this one reads what is stored when asked, as the JDBC engine does.
     */
    private static final class SnapshotReadingEngine extends InMemoryEventStorageEngine {
        /** Streams that read the store themselves rather than the cache (the cache's reader blocks; they do not). */
        final AtomicInteger privateReads = new AtomicInteger();

        @Override
        public Stream<? extends TrackedEventMessage<?>> readEvents(TrackingToken token, boolean mayBlock) {
            if (!mayBlock) {
                privateReads.incrementAndGet();
            }
            return super.readEvents(token, mayBlock).toList().stream();
        }
    }

    private EmbeddedEventStore store(SnapshotReadingEngine engine) {
        EmbeddedEventStore store = EmbeddedEventStore.builder().storageEngine(engine).cachedEvents(CACHED).build();
        stores.add(store);
        return store;
    }
}
