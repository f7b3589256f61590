package dev.tollgate.api.spend;

import dev.tollgate.api.money.Money;

/**
 * Settle a request with its real usage and cost; the unused part of the reservation returns to the budget.
 *
 * @param priceVersion the price list the cost was computed with
 * @param model        the model that answered (a fallback's, when one answered), priced at its own price
 * @param deployment   the deployment that answered
 * @param attempts     how many attempts the request took (sent upstream, retries and fallbacks included); 0 when
 *                     not known
 */
public record SettleSpend(String requestId, String model, Usage usage, Money cost, String priceVersion,
                          String provider, String deployment, long latencyMillis, int attempts) implements SpendLine {

    /** A settlement that does not say how many attempts it took. */
    public SettleSpend(String requestId, String model, Usage usage, Money cost, String priceVersion, String provider,
                       String deployment, long latencyMillis) {
        this(requestId, model, usage, cost, priceVersion, provider, deployment, latencyMillis, 0);
    }
}
