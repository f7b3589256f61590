package dev.tollgate.projection.support;

import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BinaryOperator;
import java.util.function.Consumer;

/**
 * Gathers the rows that the events of one processing batch write, keeps one per key (merged), and writes them
 * together just before the batch's transaction commits.
 * <p>
 * Why: a hot team produces thousands of events a second, most of them touching the same few rows (the team's
 * budget, one request's reserved-then-settled line). Writing only the last state of each row per batch turns
 * thousands of statements into a handful, inside the same transaction as the processor's token, so nothing is
 * lost or applied twice. Outside a unit of work (tests, tools) each row is written at once.
 * <p>
 * <b>A batch the database refuses.</b> The gathered rows are written after the event handlers have run, where
 * Axon's dead-letter queue cannot see which event failed: the batch rolls back and the processor tries it again.
 * So after a failed write, the segment's next batches are handled <em>event by event</em>: each event's rows are
 * written inside its handler, which then runs in a savepoint of the batch's transaction
 * ({@link SavepointHandlerEnhancer}). An event whose row the database refuses
 * for good (a constraint, a value that does not fit) then fails in its handler, its savepoint alone rolls back, and
 * the processor's dead-letter policy parks it (with the later events of its sequence) while the rest of the batch
 * commits; a failure that is transient (the database unreachable, a deadlock) fails the batch again, to be retried.
 * The first batch that commits event by event returns the segment to gathering.
 */
public final class BatchCoalescer<K, R> {

    private static final Logger log = LoggerFactory.getLogger(BatchCoalescer.class);
    /** Where Axon's streaming processors put the segment a batch belongs to, in the unit of work's resources. */
    private static final String SEGMENT_RESOURCE_SUFFIX = "]/SegmentId";
    private static final Object NO_SEGMENT = new Object();
    /**
     * Segments (of any processor) whose last gathered write failed: their batches are handled event by event until
     * one commits.
     */
    private static final Set<Object> EVENT_BY_EVENT = ConcurrentHashMap.newKeySet();

    private final String name;
    private final String resourceKey;
    private final BinaryOperator<R> merge;
    private final Consumer<Collection<R>> writer;

    public BatchCoalescer(String name, BinaryOperator<R> merge, Consumer<Collection<R>> writer) {
        this.name = name;
        this.resourceKey = BatchCoalescer.class.getName() + "." + name;
        this.merge = merge;
        this.writer = writer;
    }

    public void add(K key, R row) {
        if (!CurrentUnitOfWork.isStarted()) {
            writer.accept(List.of(row));
            return;
        }
        UnitOfWork<?> unitOfWork = CurrentUnitOfWork.get().root();
        if (!EVENT_BY_EVENT.isEmpty()) {
            Object segment = segment(unitOfWork);
            if (EVENT_BY_EVENT.contains(segment)) {
                writeAlone(unitOfWork, segment, row);
                return;
            }
        }
        pending(unitOfWork).merge(key, row, merge);
    }

    /** Writes what is pending now: needed before a statement that must see (or follow) the pending rows. */
    public void flush() {
        if (CurrentUnitOfWork.isStarted()) {
            UnitOfWork<?> unitOfWork = CurrentUnitOfWork.get().root();
            Map<K, R> pending = unitOfWork.getResource(resourceKey);
            if (pending != null && !pending.isEmpty()) {
                List<R> rows = new ArrayList<>(pending.values());
                pending.clear();
                writer.accept(rows);
            }
        }
    }

    /**
     * {@code true} when the current unit of work is a batch of a segment whose last gathered write failed: its event
     * handlers each run in a savepoint, and write their rows at once.
     */
    public static boolean eventByEvent() {
        if (EVENT_BY_EVENT.isEmpty() || !CurrentUnitOfWork.isStarted()) {
            return false;
        }
        return EVENT_BY_EVENT.contains(segment(CurrentUnitOfWork.get().root()));
    }

    /** One event's row, written at once (its handler runs in a savepoint): a refused row fails that handler alone. */
    private void writeAlone(UnitOfWork<?> unitOfWork, Object segment, R row) {
        flush();
        unitOfWork.getOrComputeResource(resourceKey + ".eventByEvent", key -> {
            unitOfWork.afterCommit(u -> {
                if (EVENT_BY_EVENT.remove(segment)) {
                    log.info("{}: a batch committed event by event; gathering rows per batch again", name);
                }
            });
            return Boolean.TRUE;
        });
        writer.accept(List.of(row));
    }

    private Map<K, R> pending(UnitOfWork<?> unitOfWork) {
        return unitOfWork.getOrComputeResource(resourceKey, key -> {
            Object segment = segment(unitOfWork);
            Map<K, R> rows = new LinkedHashMap<>();
            unitOfWork.onPrepareCommit(u -> {
                if (!rows.isEmpty()) {
                    List<R> batch = new ArrayList<>(rows.values());
                    rows.clear();
                    try {
                        writer.accept(batch);
                    } catch (RuntimeException e) {
                        if (segment == NO_SEGMENT) {
                            throw e; // not a streaming processor's batch: nothing to retry event by event
                        }
                        EVENT_BY_EVENT.add(segment);
                        log.warn("{}: a batch of {} rows could not be written ({}); its events are retried one by "
                                + "one, so that an event the database refuses is dead-lettered", name, batch.size(),
                                e.toString());
                        throw e;
                    }
                }
            });
            return rows;
        });
    }

    private static Object segment(UnitOfWork<?> unitOfWork) {
        for (Map.Entry<String, Object> resource : unitOfWork.resources().entrySet()) {
            if (resource.getKey().endsWith(SEGMENT_RESOURCE_SUFFIX) && resource.getValue() != null) {
                return resource.getKey() + "=" + resource.getValue();
            }
        }
        return NO_SEGMENT;
    }
}
