package dev.tollgate.edge.config;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.TrackingEventStream;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The processors' coordinators are called back when events have arrived: at once after enough of them, after a
 * bounded delay otherwise, and never again once their stream is closed.
 */
class ProcessorWakeupsTest {

    private final EmbeddedEventStore store = EmbeddedEventStore.builder()
            .storageEngine(new InMemoryEventStorageEngine()).cachedEvents(1_000).build();
    private ProcessorWakeups wakeups;

    @AfterEach
    void stop() {
        if (wakeups != null) {
            wakeups.close();
        }
        store.shutDown();
    }

    private ProcessorWakeups wakeups(int wakeAfterEvents, Duration maxDelay) {
        wakeups = new ProcessorWakeups(() -> store.openStream(store.createHeadToken()), wakeAfterEvents, maxDelay);
        return wakeups;
    }

    private void publish(int events) {
        List<EventMessage<?>> batch = IntStream.range(0, events)
                .<EventMessage<?>>mapToObj(i -> GenericEventMessage.asEventMessage("event " + i)).toList();
        store.publish(batch);
    }

    @Test
    void wakesTheCoordinatorEachTimeEnoughEventsHaveArrived() {
        TrackingEventStream stream = wakeups(10, Duration.ofHours(1)).wrap(store.openStream(null));
        AtomicInteger woken = new AtomicInteger();
        assertThat(stream.setOnAvailableCallback(woken::incrementAndGet)).isTrue();
        awaitFollowing();

        publish(30);

        await().atMost(Duration.ofSeconds(10)).until(() -> woken.get() == 3);
        assertThat(stream.hasNextAvailable()).isTrue();
    }

    @Test
    void wakesTheCoordinatorForFewEventsAfterTheDelay() {
        TrackingEventStream stream = wakeups(1_000, Duration.ofMillis(20)).wrap(store.openStream(null));
        AtomicInteger woken = new AtomicInteger();
        stream.setOnAvailableCallback(woken::incrementAndGet);
        awaitFollowing();

        publish(1);

        await().atMost(Duration.ofSeconds(10)).until(() -> woken.get() == 1);
    }

    @Test
    void aClosedStreamsCoordinatorIsNoLongerWoken() {
        ProcessorWakeups wakeups = wakeups(1, Duration.ofHours(1));
        TrackingEventStream closed = wakeups.wrap(store.openStream(null));
        TrackingEventStream open = wakeups.wrap(store.openStream(null));
        AtomicInteger closedWoken = new AtomicInteger();
        AtomicInteger openWoken = new AtomicInteger();
        closed.setOnAvailableCallback(closedWoken::incrementAndGet);
        open.setOnAvailableCallback(openWoken::incrementAndGet);
        closed.close();
        awaitFollowing();

        publish(5);

        await().atMost(Duration.ofSeconds(10)).until(() -> openWoken.get() == 5);
        assertThat(closedWoken).hasValue(0);
    }

    /** The follower reads from the head: events published before it opened its stream would not count. */
    private void awaitFollowing() {
        await().atMost(Duration.ofSeconds(10)).until(wakeups::following);
    }
}
