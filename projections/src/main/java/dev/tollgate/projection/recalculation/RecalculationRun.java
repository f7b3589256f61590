package dev.tollgate.projection.recalculation;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One recalculation while its replay runs: the range it re-costs, how, and how far it got. Handed to the replay's
 * processing group as its reset context.
 *
 * @param headPosition the event store's last position when it started: the replay is done once it passed it
 */
public record RecalculationRun(String recalculationId, Instant from, Instant to, Repricing repricing,
                               long headPosition, AtomicLong scanned, AtomicLong unpriced, AtomicBoolean finished) {

    public static RecalculationRun start(String recalculationId, Instant from, Instant to, Repricing repricing,
                                         long headPosition) {
        return new RecalculationRun(recalculationId, from, to, repricing, headPosition, new AtomicLong(),
                new AtomicLong(), new AtomicBoolean());
    }

    boolean covers(Instant startedAt) {
        return !finished.get() && !startedAt.isBefore(from) && startedAt.isBefore(to);
    }
}
