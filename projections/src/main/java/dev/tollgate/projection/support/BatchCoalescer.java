package dev.tollgate.projection.support;

import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 */
public final class BatchCoalescer<K, R> {

    private final String resourceKey;
    private final BinaryOperator<R> merge;
    private final Consumer<Collection<R>> writer;

    public BatchCoalescer(String name, BinaryOperator<R> merge, Consumer<Collection<R>> writer) {
        this.resourceKey = BatchCoalescer.class.getName() + "." + name;
        this.merge = merge;
        this.writer = writer;
    }

    public void add(K key, R row) {
        if (!CurrentUnitOfWork.isStarted()) {
            writer.accept(List.of(row));
            return;
        }
        pending().merge(key, row, merge);
    }

    /** Writes what is pending now: needed before a statement that must see (or follow) the pending rows. */
    public void flush() {
        if (CurrentUnitOfWork.isStarted()) {
            Map<K, R> pending = pending();
            if (!pending.isEmpty()) {
                List<R> rows = new ArrayList<>(pending.values());
                pending.clear();
                writer.accept(rows);
            }
        }
    }

    private Map<K, R> pending() {
        UnitOfWork<?> unitOfWork = CurrentUnitOfWork.get().root();
        return unitOfWork.getOrComputeResource(resourceKey, key -> {
            Map<K, R> rows = new LinkedHashMap<>();
            unitOfWork.onPrepareCommit(u -> {
                if (!rows.isEmpty()) {
                    writer.accept(new ArrayList<>(rows.values()));
                    rows.clear();
                }
            });
            return rows;
        });
    }
}
