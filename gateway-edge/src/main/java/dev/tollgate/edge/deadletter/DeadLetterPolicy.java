package dev.tollgate.edge.deadletter;

import dev.tollgate.edge.database.DatabaseFailures;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.deadletter.Decisions;
import org.axonframework.messaging.deadletter.EnqueuePolicy;
import org.axonframework.messaging.deadletter.ThrowableCause;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What a projection does with an event it could not apply. An event that fails because the database cannot be
 * reached is not parked: nothing is wrong with it, and a dead letter would hold back its whole sequence (every later
 * event of the request) until an admin retried it. The failure is rethrown instead, the processor rolls the batch
 * back and tries again after its back-off, and the projection carries on by itself when the database returns. Any
 * other failure parks the event, as Axon's default policy does.
 */
@Configuration(proxyBeanMethods = false)
public class DeadLetterPolicy {

    static final EnqueuePolicy<EventMessage<?>> POLICY = (letter, cause) -> {
        if (DatabaseFailures.isUnavailable(cause)) {
            throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
        }
        return Decisions.enqueue(ThrowableCause.truncated(cause));
    };

    @Bean
    ConfigurerModule transientDatabaseFailuresAreRetried() {
        return configurer -> configurer.eventProcessing().registerDefaultDeadLetterPolicy(configuration -> POLICY);
    }
}
