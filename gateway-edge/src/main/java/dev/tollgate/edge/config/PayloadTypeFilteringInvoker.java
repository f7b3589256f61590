package dev.tollgate.edge.config;

import org.axonframework.eventhandling.EventHandlerInvoker;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.MultiEventHandlerInvoker;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.Segment;

import javax.annotation.Nonnull;
import java.util.List;

/**
 * A processor's event handlers, asked once per payload type whether any of them handles it.
 * <p>
 * Every pooled processor reads every event, and Axon asks its handlers about each one in every work package (and its
 * coordinator once more when none took it), walking every handler method and its parameters each time: at
 * saturation that was about a tenth of the JVM's CPU, mostly spent by processors such as {@code directory} or
 * {@code audit} learning again and again that they have nothing to do with a spend event. An event whose payload
 * type no handler accepts can never be handled ({@link EventHandlerInvoker#canHandleType} is the weaker test), so it
 * is refused here at the cost of one lookup; every other event is decided by the handlers exactly as before.
 * <p>
 * For those, Axon's {@link MultiEventHandlerInvoker} asks each handler class whether it supports a reset before it
 * asks whether it takes the event, on every event and twice for a handled one (to decide, then to handle), and each
 * answer walks all the class's handler methods through a stream. The answer is fixed once the class is inspected, so
 * each class is asked once, here ({@link FixedResetSupport}).
 */
final class PayloadTypeFilteringInvoker extends ForwardingEventHandlerInvoker {

    private final ClassValue<Boolean> handledTypes = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> payloadType) {
            return handlers.canHandleType(payloadType);
        }
    };

    /** The handler classes' invokers when they are several ({@link MultiEventHandlerInvoker}); else {@code null}. */
    private final List<EventHandlerInvoker> delegates;

    PayloadTypeFilteringInvoker(EventHandlerInvoker handlers) {
        super(handlers instanceof MultiEventHandlerInvoker multi
                ? new MultiEventHandlerInvoker(multi.delegates().stream()
                        .<EventHandlerInvoker>map(FixedResetSupport::new).toList())
                : handlers);
        this.delegates = this.handlers instanceof MultiEventHandlerInvoker multi ? List.copyOf(multi.delegates())
                : null;
    }

    /**
     * Whether a handler takes the event in this segment. For several handler classes, the question Axon's
     * {@link MultiEventHandlerInvoker#canHandle} asks each (a replayed event only of those that take replays), in a
     * loop rather than a stream made for every event.
     */
    @Override
    public boolean canHandle(@Nonnull EventMessage<?> eventMessage, @Nonnull Segment segment) {
        if (!canHandleType(eventMessage.getPayloadType())) {
            return false;
        }
        if (delegates == null) {
            return handlers.canHandle(eventMessage, segment);
        }
        for (int i = 0; i < delegates.size(); i++) {
            EventHandlerInvoker delegate = delegates.get(i);
            if ((delegate.supportsReset() || !ReplayToken.isReplay(eventMessage))
                    && delegate.canHandle(eventMessage, segment)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean canHandleType(@Nonnull Class<?> payloadType) {
        return handledTypes.get(payloadType);
    }

    /** One handler class's invoker with its answer to {@link #supportsReset()} taken once. */
    private static final class FixedResetSupport extends ForwardingEventHandlerInvoker {

        private final boolean supportsReset;

        FixedResetSupport(EventHandlerInvoker handlers) {
            super(handlers);
            this.supportsReset = handlers.supportsReset();
        }

        @Override
        public boolean supportsReset() {
            return supportsReset;
        }
    }
}
