package dev.tollgate.edge.config;

import org.axonframework.config.Configuration;
import org.axonframework.config.EventProcessingConfigurer.PooledStreamingProcessorConfiguration;
import org.axonframework.config.EventProcessingModule;
import org.axonframework.eventhandling.EventHandlerInvoker;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.messaging.StreamableMessageSource;
import org.axonframework.messaging.SubscribableMessageSource;

/**
 * Axon's event processing, with each processor's handlers behind a {@link PayloadTypeFilteringInvoker} and each pooled
 * processor's events read through a {@link HandledEventsSource} that passes over runs of events none of them takes.
 * The subscribing processors are asked about every event in the transaction that appends it, spend events included,
 * on the thread that decides the next reservations. Axon 4.13 has no setting for either; the processors are built
 * exactly as Axon builds them otherwise.
 */
class PayloadTypeFilteringProcessingModule extends EventProcessingModule {

    @Override
    protected EventProcessor pooledStreamingEventProcessor(
            String name, EventHandlerInvoker eventHandlerInvoker, Configuration config,
            StreamableMessageSource<TrackedEventMessage<?>> messageSource,
            PooledStreamingProcessorConfiguration processorConfiguration) {
        PayloadTypeFilteringInvoker handlers = new PayloadTypeFilteringInvoker(eventHandlerInvoker);
        return super.pooledStreamingEventProcessor(name, handlers, config,
                new HandledEventsSource(messageSource, handlers::canHandleType), processorConfiguration);
    }

    @Override
    protected EventProcessor subscribingEventProcessor(
            String name, EventHandlerInvoker eventHandlerInvoker,
            SubscribableMessageSource<? extends EventMessage<?>> messageSource) {
        return super.subscribingEventProcessor(name, new PayloadTypeFilteringInvoker(eventHandlerInvoker), messageSource);
    }
}
