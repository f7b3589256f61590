package dev.tollgate.edge.config;

import org.axonframework.common.caching.Cache;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.AggregateCacheEntry;
import org.axonframework.eventsourcing.EventSourcedAggregate;
import org.axonframework.eventsourcing.Snapshotter;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.serialization.SerializedMessage;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nonnull;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Snapshots taken from the cached aggregate, not by replaying its events again.
 * <p>
 * Axon's snapshotter loads the aggregate from its last snapshot and every event since (5,000 of them for a hot team),
 * deserializing each once more, only to serialize the state the command side already holds in its cache. Here, when
 * the trigger asks for a snapshot in the unit of work that applied the threshold's event (its prepare-commit phase,
 * still under the aggregate's lock, after the repository has put the aggregate in the cache), the cached aggregate
 * is serialized at once, with the sequence number of its last event, and the bytes are stored on a thread of their
 * own <em>after</em> the commit: a unit of work that rolls back (another node appended first, an error) stores
 * nothing. The serialized form is exactly what the replaying snapshotter would have written (same serializer, same
 * payload type and revision), so loading is unchanged.
 * <p>
 * Axon's trigger asks in the clean-up phase instead for an aggregate whose loading it did not see (created in this
 * JVM, or passing the threshold while it is loaded): then the unit of work has committed (or rolled back: nothing is
 * taken), the lock is still held, and the snapshot is serialized there and stored at once.
 * <p>
 * Anywhere else (a snapshot asked for outside a unit of work, or for an aggregate that is not in the cache) the
 * replaying snapshotter does it as before.
 */
public final class CachedAggregateSnapshotter implements Snapshotter {

    private static final Logger log = LoggerFactory.getLogger(CachedAggregateSnapshotter.class);

    private final Snapshotter replaying;
    private final Cache cache;
    private final Serializer serializer;
    private final EventStore eventStore;
    private final TransactionManager transactionManager;
    private final Executor executor;

    /**
     * @param replaying          Axon's snapshotter, for the cases this one does not cover
     * @param cache              the aggregates' cache (keyed by aggregate identifier)
     * @param serializer         the event store's snapshot serializer (the very instance, so that it stores the
     *                           bytes as they are)
     * @param executor           where snapshots are stored, never the command's thread
     */
    public CachedAggregateSnapshotter(Snapshotter replaying, Cache cache, Serializer serializer, EventStore eventStore,
                                      TransactionManager transactionManager, Executor executor) {
        this.replaying = replaying;
        this.cache = cache;
        this.serializer = serializer;
        this.eventStore = eventStore;
        this.transactionManager = transactionManager;
        this.executor = executor;
    }

    @Override
    public void scheduleSnapshot(@Nonnull Class<?> aggregateType, @Nonnull String aggregateIdentifier) {
        UnitOfWork<?> unitOfWork = CurrentUnitOfWork.isStarted() ? CurrentUnitOfWork.get() : null;
        // Axon's trigger asks in the prepare-commit phase of the unit of work that applied the event, or, for an
        // aggregate it did not see loaded (created in this JVM, or loading past the threshold), in its clean-up
        // phase. Both still hold the aggregate's lock (it is released by a clean-up handler registered earlier,
        // and clean-up handlers run in reverse order).
        boolean beforeCommit = unitOfWork != null && unitOfWork.phase().isBefore(UnitOfWork.Phase.COMMIT);
        boolean committed = unitOfWork != null && unitOfWork.phase() == UnitOfWork.Phase.CLEANUP
                && !unitOfWork.isRolledBack();
        EventSourcedAggregate<?> aggregate = beforeCommit || committed ? cached(aggregateIdentifier) : null;
        if (aggregate == null || aggregate.isDeleted() || aggregate.version() == null
                || !aggregateType.isInstance(aggregate.getAggregateRoot())) {
            if (unitOfWork == null || !unitOfWork.isRolledBack()) {
                replaying.scheduleSnapshot(aggregateType, aggregateIdentifier);
            }
            return;
        }
        // Under the aggregate's lock, with every event of this unit of work applied: a consistent state.
        SerializedObject<byte[]> payload = serializer.serialize(aggregate.getAggregateRoot(), byte[].class);
        SerializedObject<byte[]> metaData = serializer.serialize(MetaData.emptyInstance(), byte[].class);
        GenericDomainEventMessage<?> snapshot = new GenericDomainEventMessage<>(aggregate.type(),
                aggregateIdentifier, aggregate.version(),
                new SerializedMessage<>(UUID.randomUUID().toString(), payload, metaData, serializer), Instant.now());
        if (beforeCommit) {
            unitOfWork.afterCommit(u -> store(snapshot)); // a unit of work that rolls back stores nothing
        } else {
            store(snapshot);
        }
    }

    private void store(GenericDomainEventMessage<?> snapshot) {
        try {
            executor.execute(() -> {
                try {
                    transactionManager.executeInTransaction(() -> eventStore.storeSnapshot(snapshot));
                } catch (RuntimeException e) {
                    // A snapshot is an optimisation: without it the aggregate loads from the previous one.
                    log.warn("Storing the snapshot of {} at {} failed", snapshot.getAggregateIdentifier(),
                            snapshot.getSequenceNumber(), e);
                }
            });
        } catch (RejectedExecutionException stopping) {
            log.debug("Snapshot of {} not stored: stopping", snapshot.getAggregateIdentifier());
        }
    }

    /** The live aggregate the repository has just put in the cache, or null. */
    private EventSourcedAggregate<?> cached(String aggregateIdentifier) {
        Object entry = cache.get(aggregateIdentifier);
        if (!(entry instanceof AggregateCacheEntry<?> cacheEntry)) {
            return null;
        }
        try {
            // An entry made in this JVM holds the live aggregate and returns it without using any argument; only a
            // deserialized entry (a distributed cache, not used here) would rebuild one, and fails on the nulls.
            return cacheEntry.recreateAggregate(null, null, null, null);
        } catch (RuntimeException notLive) {
            return null;
        }
    }
}
