package dev.tollgate.edge.deadletter;

import org.axonframework.commandhandling.NoHandlerForCommandException;
import org.axonframework.common.lock.DeadlockException;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.deadletter.GenericDeadLetter;
import org.axonframework.modelling.command.ConcurrencyException;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which failures a dead-letter queue parks, and which it leaves to the processor to try again. */
class DeadLetterPolicyTest {

    @Test
    void aCommandThatLostARaceForItsAggregateIsTransient() {
        assertThat(DeadLetterPolicy.isTransient(new ConcurrencyException("sequence 7 of team t1 already inserted")))
                .isTrue();
        assertThat(DeadLetterPolicy.isTransient(new IllegalStateException(new DeadlockException("team t1"))))
                .isTrue();
        assertThat(DeadLetterPolicy.isTransient(new SQLException("deadlock detected", "40P01"))).isTrue();
    }

    @Test
    void aBugOrACommandNobodyHandlesIsNot() {
        assertThat(DeadLetterPolicy.isTransient(new IllegalStateException("a bug"))).isFalse();
        assertThat(DeadLetterPolicy.isTransient(new NoHandlerForCommandException("no handler for GrantBoost")))
                .as("an AxonTransientException that never passes").isFalse();
        assertThat(DeadLetterPolicy.isTransient(new SQLException("value too long", "22001"))).isFalse();
    }

    @Test
    void aTransientFailureIsRethrownAndAnyOtherParked() {
        ConcurrencyException race = new ConcurrencyException("sequence 7 of team t1 already inserted");
        assertThatThrownBy(() -> DeadLetterPolicy.POLICY.decide(letter(race), race)).isSameAs(race);
        IllegalStateException bug = new IllegalStateException("a bug");
        assertThat(DeadLetterPolicy.POLICY.decide(letter(bug), bug).shouldEnqueue()).isTrue();
    }

    private static GenericDeadLetter<GenericEventMessage<String>> letter(Throwable cause) {
        return new GenericDeadLetter<>("boost-1", new GenericEventMessage<>("payload"), cause);
    }
}
