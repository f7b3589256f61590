package dev.tollgate.api.spend;

import dev.tollgate.api.money.Money;

import java.time.Instant;
import java.util.Map;

/**
 * One request's corrected cost, as an approved recalculation computed it.
 *
 * @param chargedCost what the request is charged now (its settled cost plus any earlier adjustment)
 * @param newCost     what it costs at the corrected prices
 * @param reservedAt  when the request started: the budget period its spend belongs to
 */
public record CostAdjustment(String requestId, String userId, String keyId, String model, String provider,
                             Usage usage, Instant reservedAt, Map<String, String> tags, Money chargedCost,
                             Money newCost, String priceVersion) {

    public CostAdjustment {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    public Money difference() {
        return newCost.minus(chargedCost);
    }
}
