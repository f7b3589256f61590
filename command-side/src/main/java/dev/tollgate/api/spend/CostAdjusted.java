package dev.tollgate.api.spend;

import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.Money;
import org.axonframework.serialization.Revision;

import java.time.Instant;
import java.util.Map;

/**
 * A settled request's cost was corrected by an approved recalculation. The settlement stays as it was; this event
 * records the difference beside it, so history keeps both the original and the adjustment. The difference counts
 * against a budget only when the request belongs to that budget's current period (balances after it below).
 *
 * @param previousCost what the request was charged before (settled cost plus earlier adjustments)
 * @param newCost      what it is charged from now on
 * @param chunk        the approval chunk that carried it (approvals are idempotent per chunk)
 */
@Revision("2")
public record CostAdjusted(String requestId, String teamId, String userId, String keyId, String model,
                           String provider, Usage usage, Instant reservedAt, Map<String, String> tags,
                           Money previousCost, Money newCost, Money difference, String priceVersion,
                           String recalculationId, int chunk, String actor, String reason, Instant at,
                           AccountBalance teamBalance, AccountBalance userBalance, AccountBalance keyBalance)
        implements RequestEvent {

    public CostAdjusted {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }
}
