package dev.tollgate.edge.config;

import org.axonframework.eventhandling.EventHandlerInvoker;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.Segment;

import javax.annotation.Nonnull;
import javax.annotation.Nullable;

/** An event handler invoker that forwards every call to another; subclasses override only the answers they change. */
abstract class ForwardingEventHandlerInvoker implements EventHandlerInvoker {

    protected final EventHandlerInvoker handlers;

    ForwardingEventHandlerInvoker(EventHandlerInvoker handlers) {
        this.handlers = handlers;
    }

    @Override
    public boolean canHandle(@Nonnull EventMessage<?> eventMessage, @Nonnull Segment segment) {
        return handlers.canHandle(eventMessage, segment);
    }

    @Override
    public boolean canHandleType(@Nonnull Class<?> payloadType) {
        return handlers.canHandleType(payloadType);
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
