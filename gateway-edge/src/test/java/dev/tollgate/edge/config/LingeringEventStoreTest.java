package dev.tollgate.edge.config;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.junit.jupiter.api.Test;

import javax.annotation.Nonnull;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An append that fails with an Error (the PostgreSQL driver's assertion on a connection cut mid-batch) rolls the unit
 * of work back like any other failed append: Axon's rollback is what evicts the cached aggregate and ends the
 * transaction, and it runs only for an exception.
 */
class LingeringEventStoreTest {

    @Test
    void anErrorWhileAppendingRollsTheUnitOfWorkBack() {
        InMemoryEventStorageEngine failing = new InMemoryEventStorageEngine() {
            @Override
            public void appendEvents(@Nonnull List<? extends EventMessage<?>> events) {
                throw new AssertionError("pgStatement.getConnection().getAutoCommit() should not throw");
            }
        };
        LingeringEventStore store = new LingeringEventStore(EmbeddedEventStore.builder().storageEngine(failing),
                Duration.ofMillis(50), 500);
        try {
            AtomicBoolean rolledBack = new AtomicBoolean();
            AtomicBoolean committed = new AtomicBoolean();
            UnitOfWork<?> uow = DefaultUnitOfWork.startAndGet(null);
            uow.onRollback(u -> rolledBack.set(true));
            uow.afterCommit(u -> committed.set(true));
            store.publish(GenericEventMessage.asEventMessage("spent"));

            assertThatThrownBy(uow::commit).isInstanceOf(EventStoreException.class)
                    .hasCauseInstanceOf(AssertionError.class);
            assertThat(rolledBack).as("the unit of work was rolled back").isTrue();
            assertThat(committed).isFalse();
        } finally {
            store.shutDown();
        }
    }
}
