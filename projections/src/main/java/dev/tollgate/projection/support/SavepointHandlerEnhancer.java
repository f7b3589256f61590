package dev.tollgate.projection.support;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.annotation.HandlerEnhancerDefinition;
import org.axonframework.messaging.annotation.MessageHandlingMember;
import org.axonframework.messaging.annotation.WrappedMessageHandlingMember;
import org.jooq.DSLContext;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Wraps the event handlers of {@link SavepointPerEvent} projections in a nested jOOQ transaction: with Spring's
 * transaction provider (Spring Boot's jOOQ set-up) that is a savepoint in the processor's transaction, rolled back
 * alone when the handler fails. The handlers of the other projections run in one only while their batch is handled
 * event by event after a failed write ({@link BatchCoalescer}); otherwise they cost nothing more.
 */
@Component
public class SavepointHandlerEnhancer implements HandlerEnhancerDefinition {

    private final ObjectProvider<DSLContext> dsl;

    public SavepointHandlerEnhancer(ObjectProvider<DSLContext> dsl) {
        this.dsl = dsl;
    }

    @Override
    public <T> MessageHandlingMember<T> wrapHandler(MessageHandlingMember<T> original) {
        if (!original.canHandleMessageType(EventMessage.class)
                || !original.declaringClass().isAnnotationPresent(ProcessingGroup.class)) {
            return original; // not a processor's handler (an aggregate's event-sourcing handler, ...)
        }
        boolean always = original.declaringClass().isAnnotationPresent(SavepointPerEvent.class);
        return new WrappedMessageHandlingMember<>(original) {
            @Override
            public Object handle(Message<?> message, T target) throws Exception {
                if (!always && !BatchCoalescer.eventByEvent()) {
                    return original.handle(message, target);
                }
                return dsl.getObject().transactionResult(nested -> original.handle(message, target));
            }
        };
    }
}
