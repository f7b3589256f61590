package dev.tollgate.api.spend;

import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.Money;
import org.axonframework.serialization.Revision;

import java.time.Instant;
import java.util.Map;

/**
 * A request finished and was charged its real cost; the rest of its reservation went back to the budget.
 *
 * @param reserved     what had been reserved for it
 * @param reservedAt   when it was reserved: its spend belongs to the budget period of that instant
 * @param priceVersion the price list the cost was computed with
 * @param tags         the request's labels, carried from its reservation so that reports by tag need no join
 * @param model        the model that answered: the requested one, or the fallback that answered it
 * @param attempts     how many attempts the request took (retries and fallbacks included); 0 in events stored
 *                     before attempts were recorded
 */
@Revision("2")
public record SpendSettled(String requestId, String teamId, String userId, String keyId, String model,
                           String provider, String deployment, Usage usage, Money reserved, Money cost,
                           String priceVersion, long latencyMillis, Instant reservedAt, Instant at,
                           AccountBalance teamBalance, AccountBalance userBalance, AccountBalance keyBalance,
                           Map<String, String> tags, int attempts)
        implements RequestEvent {

    public SpendSettled {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    /** A settlement that does not say how many attempts it took. */
    public SpendSettled(String requestId, String teamId, String userId, String keyId, String model, String provider,
                        String deployment, Usage usage, Money reserved, Money cost, String priceVersion,
                        long latencyMillis, Instant reservedAt, Instant at, AccountBalance teamBalance,
                        AccountBalance userBalance, AccountBalance keyBalance, Map<String, String> tags) {
        this(requestId, teamId, userId, keyId, model, provider, deployment, usage, reserved, cost, priceVersion,
                latencyMillis, reservedAt, at, teamBalance, userBalance, keyBalance, tags, 0);
    }

    /** A settlement without labels. */
    public SpendSettled(String requestId, String teamId, String userId, String keyId, String model, String provider,
                        String deployment, Usage usage, Money reserved, Money cost, String priceVersion,
                        long latencyMillis, Instant reservedAt, Instant at, AccountBalance teamBalance,
                        AccountBalance userBalance, AccountBalance keyBalance) {
        this(requestId, teamId, userId, keyId, model, provider, deployment, usage, reserved, cost, priceVersion,
                latencyMillis, reservedAt, at, teamBalance, userBalance, keyBalance, Map.of());
    }
}
