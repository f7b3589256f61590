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
 * What a projection does with an event it could not apply. An event that fails for a transient reason (the database
 * cannot be reached, a deadlock or serialization failure, a lock or statement timeout, the database out of
 * resources: {@link DatabaseFailures#isTransient}) is not parked: nothing is wrong with it, and a dead letter would
 * hold back its whole sequence (every later event of the request) until an admin retried it. The failure is rethrown
 * instead, the processor rolls the batch back and tries again after its back-off, and the projection carries on by
 * itself when the database recovers. Any other failure (a constraint violation, a value that does not fit, a bug)
 * parks the event, as Axon's default policy does. (The per-request projections gather their rows and write them at
 * the batch's end, where no event can be told apart; a failed write makes the next attempt handle the batch event
 * by event, so that this policy sees each event's own failure: see {@code BatchCoalescer}.)
 */
@Configuration(proxyBeanMethods = false)
public class DeadLetterPolicy {

    static final EnqueuePolicy<EventMessage<?>> POLICY = (letter, cause) -> {
        if (DatabaseFailures.isTransient(cause)) {
            throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
        }
        return Decisions.enqueue(ThrowableCause.truncated(cause));
    };

    @Bean
    ConfigurerModule transientDatabaseFailuresAreRetried() {
        return configurer -> configurer.eventProcessing().registerDefaultDeadLetterPolicy(configuration -> POLICY);
    }
}
