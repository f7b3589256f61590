package dev.tollgate.edge.config;

import org.axonframework.config.Configuration;
import org.axonframework.config.EventProcessingConfigurer.PooledStreamingProcessorConfiguration;
import org.axonframework.config.EventProcessingModule;
import org.axonframework.eventhandling.EventHandlerInvoker;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.messaging.StreamableMessageSource;

/**
 * Axon's event processing, with each pooled processor's handlers behind a {@link PayloadTypeFilteringInvoker} and its
 * events read through a {@link HandledEventsSource} that passes over runs of events none of them takes. Axon 4.13 has
 * no setting for either; the processors are built exactly as Axon builds them otherwise.
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
}
