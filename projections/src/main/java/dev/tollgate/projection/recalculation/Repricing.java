package dev.tollgate.projection.recalculation;

import dev.tollgate.api.money.Money;
import dev.tollgate.api.spend.Usage;

import java.time.Instant;

/** What a request costs at the price book as it stands now, for the version in force when it started. */
@FunctionalInterface
public interface Repricing {

    /** {@code null} when the model has no price in force at that instant. */
    Repriced reprice(String model, Instant startedAt, Usage usage);

    record Repriced(Money cost, String priceVersion) {
    }
}
