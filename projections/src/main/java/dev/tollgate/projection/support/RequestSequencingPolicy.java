package dev.tollgate.projection.support;

import dev.tollgate.api.spend.RequestEvent;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.async.SequencingPolicy;

/**
 * Orders events per request rather than per aggregate: the events of one request stay in order, while the
 * thousands of requests of one hot team spread over all segments of a pooled processor.
 * Events that are not about a request fall back to their aggregate.
 */
public class RequestSequencingPolicy implements SequencingPolicy<EventMessage<?>> {

    @Override
    public Object getSequenceIdentifierFor(EventMessage<?> event) {
        if (event.getPayload() instanceof RequestEvent requestEvent) {
            return requestEvent.requestId();
        }
        if (event instanceof DomainEventMessage<?> domainEvent) {
            return domainEvent.getAggregateIdentifier();
        }
        return event.getIdentifier();
    }
}
