package dev.tollgate.projection.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The event handlers of this projection each run in a savepoint of the processor's transaction. A handler that fails
 * (a row the database refuses) is rolled back alone and its event goes to the processor's dead-letter queue, while
 * the rest of the batch commits: without it, PostgreSQL aborts the whole transaction, the dead letter cannot be
 * stored either, and the processor retries the same batch forever. For projections that write per event and see
 * few events (administration); the per-request projections gather their writes per batch instead.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface SavepointPerEvent {
}
