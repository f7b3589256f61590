package dev.tollgate.api.recalculation;

import dev.tollgate.api.money.Money;
import org.axonframework.serialization.Revision;

import java.time.Instant;

/**
 * A recalculation's diff is ready: {@code scanned} settled requests re-costed, {@code changed} of them at another
 * cost; the totals are over the changed ones.
 */
@Revision("1")
public record RecalculationCompleted(String recalculationId, long scanned, long changed, Money oldTotal,
                                     Money newTotal, Instant at) {

    public Money difference() {
        return newTotal.minus(oldTotal);
    }
}
