package dev.tollgate.api.spend;

import dev.tollgate.api.money.Money;

/**
 * Settle a request with its real usage and cost; the unused part of the reservation returns to the budget.
 *
 * @param priceVersion the price list the cost was computed with
 * @param deployment   the deployment that answered
 */
public record SettleSpend(String requestId, String model, Usage usage, Money cost, String priceVersion,
                          String provider, String deployment, long latencyMillis) implements SpendLine {
}
