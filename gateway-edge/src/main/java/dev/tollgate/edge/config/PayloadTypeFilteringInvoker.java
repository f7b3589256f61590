package dev.tollgate.edge.config;

import org.axonframework.eventhandling.EventHandlerInvoker;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.Segment;

import javax.annotation.Nonnull;
import javax.annotation.Nullable;

/**
 * A processor's event handlers, asked once per payload type whether any of them handles it.
 * <p>
 * Every pooled processor reads every event, and Axon asks its handlers about each one in every work package (and its
 * coordinator once more when none took it), walking every handler method and its parameters each time: at
 * saturation that was about a tenth of the JVM's CPU, mostly spent by processors such as {@code directory} or
 * {@code audit} learning again and again that they have nothing to do with a spend event. An event whose payload
 * type no handler accepts can never be handled ({@link EventHandlerInvoker#canHandleType} is the weaker test), so it
 * is refused here at the cost of one lookup; every other event is decided by the handlers exactly as before.
 */
final class PayloadTypeFilteringInvoker implements EventHandlerInvoker {

    private final EventHandlerInvoker handlers;
    private final ClassValue<Boolean> handledTypes = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> payloadType) {
            return handlers.canHandleType(payloadType);
        }
    };

    PayloadTypeFilteringInvoker(EventHandlerInvoker handlers) {
        this.handlers = handlers;
    }

    @Override
    public boolean canHandle(@Nonnull EventMessage<?> eventMessage, @Nonnull Segment segment) {
        return canHandleType(eventMessage.getPayloadType()) && handlers.canHandle(eventMessage, segment);
    }

    @Override
    public boolean canHandleType(@Nonnull Class<?> payloadType) {
        return handledTypes.get(payloadType);
    }

    @Override
    public void handle(@Nonnull EventMessage<?> message, @Nonnull Segment segment) throws Exception {
        handlers.handle(message, segment);
    }

    @Override
    public boolean supportsReset() {
        return handlers.supportsReset();
    }

    @Override
    public void performReset() {
        handlers.performReset();
    }

    @Override
    public <R> void performReset(@Nullable R resetContext) {
        handlers.performReset(resetContext);
    }

    @Override
    public void segmentReleased(Segment segment) {
        handlers.segmentReleased(segment);
    }
}
