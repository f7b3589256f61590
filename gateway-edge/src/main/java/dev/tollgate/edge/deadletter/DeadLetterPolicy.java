package dev.tollgate.edge.deadletter;

import dev.tollgate.edge.database.DatabaseFailures;
import org.axonframework.common.lock.LockAcquisitionFailedException;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.deadletter.Decisions;
import org.axonframework.messaging.deadletter.EnqueuePolicy;
import org.axonframework.messaging.deadletter.ThrowableCause;
import org.axonframework.modelling.command.ConcurrencyException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What a processor with a dead-letter queue (the projections, the cohort boost distributor, the move process) does
 * with an event it could not handle. An event that fails for a transient reason ({@link #isTransient}) is not parked:
 * nothing is wrong with it, and a dead letter would hold back its whole sequence (every later event of the request, of
 * the cohort boost, or every later move of the team) until an admin retried it. The failure is rethrown instead, the
 * processor rolls the batch back and tries again after its back-off, and carries on by itself once the cause has
 * passed. Any other failure (a constraint violation, a value that does not fit, a bug, a command that always fails)
 * parks the event, as Axon's default policy does. (The per-request projections gather their rows and write them at
 * the batch's end, where no event can be told apart; a failed write makes the next attempt handle the batch event by
 * event, so that this policy sees each event's own failure: see {@code BatchCoalescer}.)
 */
@Configuration(proxyBeanMethods = false)
public class DeadLetterPolicy {

    static final EnqueuePolicy<EventMessage<?>> POLICY = (letter, cause) -> {
        if (isTransient(cause)) {
            throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
        }
        return Decisions.enqueue(ThrowableCause.truncated(cause));
    };

    /**
     * Whether the same event, simply handled again, may well succeed: the database failed for a transient reason (it
     * cannot be reached, a deadlock or serialization failure, a lock or statement timeout, the database out of
     * resources: {@link DatabaseFailures#isTransient}), or a command sent by the handler (the cohort boost
     * distributor's, the move process's) found its aggregate taken by another writer: another node appended to it first
     * ({@link ConcurrencyException}), or its lock could not be had ({@link LockAcquisitionFailedException}, a deadlock
     * included). Sent again, the command decides on the aggregate as it is then. (Axon's own {@code
     * AxonTransientException} is no guide: it also covers a command nobody handles and every JDBC failure of Axon's.)
     */
    static boolean isTransient(Throwable failure) {
        return DatabaseFailures.isTransient(failure) || DatabaseFailures.causes(failure).stream().anyMatch(cause ->
                cause instanceof ConcurrencyException || cause instanceof LockAcquisitionFailedException);
    }

    @Bean
    ConfigurerModule transientFailuresAreRetried() {
        return configurer -> configurer.eventProcessing().registerDefaultDeadLetterPolicy(configuration -> POLICY);
    }
}
