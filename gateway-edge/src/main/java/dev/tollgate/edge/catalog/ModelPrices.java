package dev.tollgate.edge.catalog;

import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.TokenPrice;
import dev.tollgate.api.spend.Usage;

import java.math.BigDecimal;

/** A model's prices per million tokens, and the cost of a usage under them. */
public record ModelPrices(TokenPrice input, TokenPrice cachedInput, TokenPrice output) {

    /** The cost of {@code usage}, rounded once to the ledger's nano-units (never per token). */
    public Money cost(Usage usage) {
        long cached = Math.min(usage.cachedPromptTokens(), usage.promptTokens());
        BigDecimal exact = input.exactCostOf(usage.promptTokens() - cached)
                .add(cachedInput.exactCostOf(cached))
                .add(output.exactCostOf(usage.completionTokens()));
        return Money.rounded(exact);
    }

    public Money promptCost(long promptTokens) {
        return input.costOf(promptTokens);
    }
}
