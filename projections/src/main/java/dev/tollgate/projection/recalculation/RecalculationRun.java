package dev.tollgate.projection.recalculation;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One recalculation while its replay runs: the range it re-costs, how, and how far it got. Handed to the replay's
 * processing group as its reset context.
 *
 * @param headPosition the event store's last position that the replay must pass before its diff is complete;
 *                     {@link #HEAD_NOT_READ} until it is read, at {@code headReadAt}
 * @param headReadAt   when that position is read: a little after the recalculation started, so that settlements
 *                     priced just before a price correction reached every node are in the diff
 */
public record RecalculationRun(String recalculationId, Instant from, Instant to, Repricing repricing,
                               AtomicLong headPosition, Instant headReadAt, AtomicLong scanned, AtomicLong unpriced,
                               AtomicBoolean finished) {

    public static final long HEAD_NOT_READ = Long.MIN_VALUE;

    public static RecalculationRun start(String recalculationId, Instant from, Instant to, Repricing repricing,
                                         Instant headReadAt) {
        return new RecalculationRun(recalculationId, from, to, repricing, new AtomicLong(HEAD_NOT_READ), headReadAt,
                new AtomicLong(), new AtomicLong(), new AtomicBoolean());
    }

    boolean covers(Instant startedAt) {
        return !finished.get() && !startedAt.isBefore(from) && startedAt.isBefore(to);
    }
}
