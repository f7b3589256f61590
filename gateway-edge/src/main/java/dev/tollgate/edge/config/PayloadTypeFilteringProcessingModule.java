package dev.tollgate.edge.config;

import org.axonframework.config.Configuration;
import org.axonframework.config.EventProcessingConfigurer.PooledStreamingProcessorConfiguration;
import org.axonframework.config.EventProcessingModule;
import org.axonframework.eventhandling.EventHandlerInvoker;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.messaging.StreamableMessageSource;

/**
 * Axon's event processing, with each pooled processor's handlers behind a {@link PayloadTypeFilteringInvoker}.
 * Axon 4.13 has no setting for this; the processors are built exactly as Axon builds them otherwise.
 */
class PayloadTypeFilteringProcessingModule extends EventProcessingModule {

    @Override
    protected EventProcessor pooledStreamingEventProcessor(
            String name, EventHandlerInvoker eventHandlerInvoker, Configuration config,
            StreamableMessageSource<TrackedEventMessage<?>> messageSource,
            PooledStreamingProcessorConfiguration processorConfiguration) {
        return super.pooledStreamingEventProcessor(name, new PayloadTypeFilteringInvoker(eventHandlerInvoker), config,
                messageSource, processorConfiguration);
    }
}
