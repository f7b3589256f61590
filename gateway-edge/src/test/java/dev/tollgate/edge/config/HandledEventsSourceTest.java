package dev.tollgate.edge.config;

import org.axonframework.common.stream.BlockingStream;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.SimpleEventHandlerInvoker;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.pooled.PooledStreamingEventProcessor;
import org.axonframework.eventhandling.tokenstore.inmemory.InMemoryTokenStore;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.axonframework.messaging.unitofwork.RollbackConfigurationType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A processor's streams pass over runs of events none of its handlers takes, deliver every event a handler takes, and
 * move the processor's token as far as the store's head.
 */
class HandledEventsSourceTest {

    private final EmbeddedEventStore store = EmbeddedEventStore.builder()
            .storageEngine(new InMemoryEventStorageEngine()).cachedEvents(1_000).build();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
        store.shutDown();
    }

    /** Strings are what the processor does not take; integers are what it takes. */
    private void publish(Object... payloads) {
        List<EventMessage<?>> events = new ArrayList<>();
        for (Object payload : payloads) {
            events.add(GenericEventMessage.asEventMessage(payload));
        }
        store.publish(events);
    }

    private HandledEventsSource integersOnly() {
        return new HandledEventsSource(store, Integer.class::equals);
    }

    @Test
    void deliversEveryHandledEventAndOnlyTheLastOfEachRunOfOthers() throws InterruptedException {
        publish(1, "a", "b", "c", 2, 3, "d", "e", 4, "f", "g");

        List<Object> delivered = new ArrayList<>();
        TrackingToken last = null;
        try (BlockingStream<TrackedEventMessage<?>> stream = integersOnly().openStream(null)) {
            while (stream.hasNextAvailable()) {
                TrackedEventMessage<?> event = stream.nextAvailable();
                delivered.add(event.getPayload());
                last = event.trackingToken();
            }
        }

        assertThat(delivered).containsExactly(1, "c", 2, 3, "e", 4, "g");
        assertThat(last).isEqualTo(store.createHeadToken());
    }

    @Test
    void neverHoldsBackTheLastEventItCanSee() throws InterruptedException {
        publish(1, "a", "b");
        try (BlockingStream<TrackedEventMessage<?>> stream = integersOnly().openStream(null)) {
            assertThat(stream.nextAvailable().getPayload()).isEqualTo(1);
            assertThat(stream.nextAvailable().getPayload()).isEqualTo("b");
            assertThat(stream.hasNextAvailable()).isFalse();

            publish("c", 2);

            assertThat(stream.nextAvailable().getPayload()).isEqualTo("c");
            assertThat(stream.nextAvailable().getPayload()).isEqualTo(2);
        }
    }

    @Test
    void aPooledProcessorHandlesWhatItTakesAndItsTokenReachesTheHead() {
        List<Object> handled = new CopyOnWriteArrayList<>();
        ScheduledExecutorService coordinator = Executors.newSingleThreadScheduledExecutor();
        ScheduledExecutorService workers = Executors.newSingleThreadScheduledExecutor();
        InMemoryTokenStore tokens = new InMemoryTokenStore();
        PooledStreamingEventProcessor processor = PooledStreamingEventProcessor.builder()
                .name("integers")
                .eventHandlerInvoker(SimpleEventHandlerInvoker.builder()
                        .eventHandlers(new IntegerHandler(handled)).build())
                .rollbackConfiguration(RollbackConfigurationType.ANY_THROWABLE)
                .messageSource(integersOnly())
                .tokenStore(tokens)
                .transactionManager(NoTransactionManager.instance())
                .coordinatorExecutor(coordinator)
                .workerExecutor(workers)
                .initialSegmentCount(1)
                .build();
        toClose.add(processor::shutDown); // before its threads: it waits for them to stop
        toClose.add(coordinator::shutdownNow);
        toClose.add(workers::shutdownNow);
        List<Object> payloads = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            payloads.add(i % 100 == 0 ? (Object) i : "other " + i);
        }
        payloads.add("the last, taken by nobody");
        publish(payloads.toArray());

        processor.start();

        TrackingToken head = store.createHeadToken();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            TrackingToken stored = tokens.fetchToken("integers", 0);
            return stored != null && stored.covers(head);
        });
        assertThat(handled).containsExactlyElementsOf(
                payloads.stream().filter(Integer.class::isInstance).toList());
    }

    /** The processor's only handler: integers, in the order they arrive. */
    static final class IntegerHandler {
        private final List<Object> handled;

        IntegerHandler(List<Object> handled) {
            this.handled = handled;
        }

        @org.axonframework.eventhandling.EventHandler
        void on(Integer payload) {
            handled.add(payload);
        }
    }
}
