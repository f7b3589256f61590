package dev.tollgate.edge.config;

import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.StreamableMessageSource;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One pooled processor's view of the event store: its streams pass over a run of events that none of the processor's
 * handlers takes, and deliver only the last event of the run.
 * <p>
 * Why: Axon's coordinator hands every event to every work package, which queues it even when it will only move the
 * token on, and before each event it asks every queue its size, a walk of the queue. The processors that take no
 * spend event (directory, audit, alerts, member moves, boost distribution) thus queued, and walked, hundreds of
 * entries for nothing at every wake-up. Measured: 3 % fewer bytes allocated per request; the CPU saved is below this
 * machine's noise (docs/performance.md, "Processors pass over runs of events"). The last event of a run still reaches
 * the work package, and a stream's token for an event covers every event before it, so the processor's token moves
 * exactly as far as before; an event a handler takes is never passed over. Which payload types the processor takes
 * is the question Axon's coordinator asks itself ({@code canHandleType}), answered once per type by
 * {@link PayloadTypeFilteringInvoker}.
 */
final class HandledEventsSource implements StreamableMessageSource<TrackedEventMessage<?>> {

    private final StreamableMessageSource<TrackedEventMessage<?>> events;
    private final Predicate<Class<?>> handledType;

    /**
     * @param events      the event store, as the processor would read it
     * @param handledType whether any of the processor's handlers takes a payload type
     */
    HandledEventsSource(StreamableMessageSource<TrackedEventMessage<?>> events, Predicate<Class<?>> handledType) {
        this.events = events;
        this.handledType = handledType;
    }

    @Override
    public BlockingStream<TrackedEventMessage<?>> openStream(TrackingToken trackingToken) {
        return new PassingOverStream(events.openStream(trackingToken), handledType);
    }

    @Override
    public TrackingToken createTailToken() {
        return events.createTailToken();
    }

    @Override
    public TrackingToken createHeadToken() {
        return events.createHeadToken();
    }

    @Override
    public TrackingToken createTokenAt(Instant dateTime) {
        return events.createTokenAt(dateTime);
    }

    @Override
    public TrackingToken createTokenSince(Duration duration) {
        return events.createTokenSince(duration);
    }

    /** A stream that delivers each event a handler takes, and of each run of other events only the last. */
    static final class PassingOverStream extends ForwardingEventStream {

        private final Predicate<Class<?>> handledType;

        PassingOverStream(BlockingStream<TrackedEventMessage<?>> delegate, Predicate<Class<?>> handledType) {
            super(delegate);
            this.handledType = handledType;
        }

        /**
         * The next event a handler takes, or the last of the run of other events before it. ({@link #peek} still
         * shows the store's next event, which may be one this passes over for a later one.)
         */
        @Override
        public TrackedEventMessage<?> nextAvailable() throws InterruptedException {
            TrackedEventMessage<?> event = delegate.nextAvailable();
            while (!handled(event)) {
                Optional<TrackedEventMessage<?>> next = delegate.peek(); // empty when no event is available yet
                if (next.isEmpty() || handled(next.get())) {
                    break;
                }
                event = delegate.nextAvailable(); // its token covers the one passed over
            }
            return event;
        }

        private boolean handled(TrackedEventMessage<?> event) {
            return handledType.test(event.getPayloadType());
        }
    }
}
