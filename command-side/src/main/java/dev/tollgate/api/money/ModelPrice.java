package dev.tollgate.api.money;

import java.math.BigDecimal;

/**
 * What one model costs, in one version of the price book. Token prices are per million tokens.
 *
 * @param cachedInput prompt tokens served from the provider's cache; {@code null}: the input price
 * @param reasoning   hidden reasoning tokens (part of the completion); {@code null}: the output price
 * @param perImage    each image in a prompt; {@code null}: images are priced as the tokens they count for
 * @param perRequest  a fixed amount per request; {@code null}: none
 * @param free        the operator declared the model free: it has no prices at all
 */
public record ModelPrice(TokenPrice input, TokenPrice cachedInput, TokenPrice output, TokenPrice reasoning,
                         Money perImage, Money perRequest, boolean free) {

    public static final ModelPrice FREE = new ModelPrice(null, null, null, null, null, null, true);

    public ModelPrice {
        if (free && (input != null || output != null || cachedInput != null || reasoning != null || perImage != null
                || perRequest != null)) {
            throw new IllegalArgumentException("a free model has no prices");
        }
        if (!free && (input == null || output == null)) {
            throw new IllegalArgumentException("a model needs an input and an output price, or to be free");
        }
    }

    public static ModelPrice tokens(String input, String output) {
        return new ModelPrice(TokenPrice.perMillion(input), null, TokenPrice.perMillion(output), null, null, null,
                false);
    }

    public TokenPrice inputPrice() {
        return free ? TokenPrice.FREE : input;
    }

    public TokenPrice cachedInputPrice() {
        return free ? TokenPrice.FREE : cachedInput != null ? cachedInput : input;
    }

    public TokenPrice outputPrice() {
        return free ? TokenPrice.FREE : output;
    }

    public TokenPrice reasoningPrice() {
        return free ? TokenPrice.FREE : reasoning != null ? reasoning : output;
    }

    /** The exact cost of a usage before rounding: rounding happens once, on the total. */
    public BigDecimal exactCost(long promptTokens, long cachedTokens, long completionTokens, long reasoningTokens,
                                long images) {
        if (free) {
            return BigDecimal.ZERO;
        }
        long cached = Math.min(cachedTokens, promptTokens);
        long reasoningPart = Math.min(reasoningTokens, completionTokens);
        BigDecimal cost = inputPrice().exactCostOf(promptTokens - cached)
                .add(cachedInputPrice().exactCostOf(cached))
                .add(outputPrice().exactCostOf(completionTokens - reasoningPart))
                .add(reasoningPrice().exactCostOf(reasoningPart));
        if (perImage != null) {
            cost = cost.add(perImage.toBigDecimal().multiply(BigDecimal.valueOf(images)));
        }
        if (perRequest != null) {
            cost = cost.add(perRequest.toBigDecimal());
        }
        return cost;
    }
}
