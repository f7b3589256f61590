package dev.tollgate.edge.pricing;

import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.ModelPrice;
import dev.tollgate.api.money.TokenPrice;
import dev.tollgate.api.spend.Usage;

/**
 * A model's price in the version of the price book in force when a request started: what the request is reserved
 * and settled with, and the version recorded on its settlement.
 *
 * @param version the price book version, {@code v<n>}
 */
public record PriceInForce(String version, ModelPrice price) {

    /** The part of the worst case that does not depend on the answer: the prompt, its images, the request fee. */
    public Money fixedCost(long promptTokens, long images) {
        return Money.rounded(price.exactCost(promptTokens, 0, 0, 0, images));
    }

    /**
     * {@link #fixedCost(long, long)} with {@code outputTokens} output tokens billed whatever the output limit (a
     * prediction's rejected tokens), at the {@link #worstOutputPrice}; rounded once.
     */
    public Money fixedCost(long promptTokens, long images, long outputTokens) {
        return Money.rounded(price.exactCost(promptTokens, 0, 0, 0, images)
                .add(worstOutputPrice().exactCostOf(outputTokens)));
    }

    /** The price of an output token in the worst case: reasoning tokens may cost more than visible ones. */
    public TokenPrice worstOutputPrice() {
        TokenPrice output = price.outputPrice();
        TokenPrice reasoning = price.reasoningPrice();
        return reasoning.perMillion().compareTo(output.perMillion()) > 0 ? reasoning : output;
    }

    /** The real cost of an answer, rounded once to the ledger's nano-units. */
    public Money cost(Usage usage, long images) {
        return Money.rounded(price.exactCost(usage.promptTokens(), usage.cachedPromptTokens(),
                usage.completionTokens(), usage.reasoningTokens(), images, usage.imageVariant()));
    }
}
