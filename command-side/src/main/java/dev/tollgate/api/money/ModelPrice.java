package dev.tollgate.api.money;

import dev.tollgate.api.InvalidValue;

import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one model costs, in one version of the price book. Token prices are per million tokens.
 *
 * @param cachedInput prompt tokens served from the provider's cache; {@code null}: the input price
 * @param reasoning   hidden reasoning tokens (part of the completion); {@code null}: the output price
 * @param perImage    each image in a prompt; {@code null}: images are priced as the tokens they count for
 * @param perRequest  a fixed amount per request; {@code null}: none
 * @param free        the operator declared the model free: it has no prices at all
 * @param imagePrices generated images ({@code POST /v1/images/generations}) by {@code size/quality}
 *                    ({@code "1024x1024/hd"}) or by {@code size} alone ({@code "256x256"}); a variant not listed
 *                    costs {@code perImage}. {@code null} (or empty): no table
 */
public record ModelPrice(TokenPrice input, TokenPrice cachedInput, TokenPrice output, TokenPrice reasoning,
                         Money perImage, Money perRequest, boolean free, Map<String, Money> imagePrices) {

    public static final ModelPrice FREE = new ModelPrice(null, null, null, null, null, null, true);

    public ModelPrice {
        if (free && (input != null || output != null || cachedInput != null || reasoning != null || perImage != null
                || perRequest != null || imagePrices != null && !imagePrices.isEmpty())) {
            throw new InvalidValue("a free model has no prices");
        }
        if (!free && (input == null || output == null)) {
            throw new InvalidValue("a model needs an input and an output price, or to be free");
        }
        if (imagePrices != null) {
            imagePrices.forEach((variant, price) -> {
                if (variant == null || variant.isBlank() || price == null || price.isNegative()) {
                    throw new InvalidValue("an image price needs a size (or size/quality) and an "
                            + "amount of zero or more");
                }
            });
        }
        // No table and an empty one are the same price (a price book compares prices to see what changed).
        imagePrices = imagePrices == null || imagePrices.isEmpty() ? null
                : java.util.Collections.unmodifiableMap(new TreeMap<>(imagePrices));
    }

    /** A price without a table of generated-image prices (the shape of price book entries before it had one). */
    public ModelPrice(TokenPrice input, TokenPrice cachedInput, TokenPrice output, TokenPrice reasoning,
                      Money perImage, Money perRequest, boolean free) {
        this(input, cachedInput, output, reasoning, perImage, perRequest, free, null);
    }

    /**
     * The price of one generated image of {@code size} and {@code quality}: the table's {@code size/quality}, else
     * its {@code size}, else {@code perImage}; {@code null} when the model has none of these (a free model: zero).
     */
    public Money imagePrice(String size, String quality) {
        if (free) {
            return Money.ZERO;
        }
        if (imagePrices != null) {
            Money exact = imagePrices.get(size + "/" + quality);
            if (exact != null) {
                return exact;
            }
            Money bySize = imagePrices.get(size);
            if (bySize != null) {
                return bySize;
            }
        }
        return perImage;
    }

    /** Whether the model prices generated images at all (a table or a per-image amount). */
    public boolean pricesImages() {
        return free || perImage != null || imagePrices != null;
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
        return exactCost(promptTokens, cachedTokens, completionTokens, reasoningTokens, images, null);
    }

    /**
     * The exact cost of a usage before rounding. {@code imageVariant} ({@code size/quality}) names generated images:
     * each is priced by {@link #imagePrice}; without it, {@code images} are images in a prompt, at {@code perImage}.
     */
    public BigDecimal exactCost(long promptTokens, long cachedTokens, long completionTokens, long reasoningTokens,
                                long images, String imageVariant) {
        if (free) {
            return BigDecimal.ZERO;
        }
        long cached = Math.min(cachedTokens, promptTokens);
        long reasoningPart = Math.min(reasoningTokens, completionTokens);
        BigDecimal cost = inputPrice().exactCostOf(promptTokens - cached)
                .add(cachedInputPrice().exactCostOf(cached))
                .add(outputPrice().exactCostOf(completionTokens - reasoningPart))
                .add(reasoningPrice().exactCostOf(reasoningPart));
        Money each = imageVariant == null ? perImage : variantPrice(imageVariant);
        if (each != null) {
            cost = cost.add(each.toBigDecimal().multiply(BigDecimal.valueOf(images)));
        }
        if (perRequest != null) {
            cost = cost.add(perRequest.toBigDecimal());
        }
        return cost;
    }

    private Money variantPrice(String variant) {
        int slash = variant.indexOf('/');
        return slash < 0 ? imagePrice(variant, "") : imagePrice(variant.substring(0, slash),
                variant.substring(slash + 1));
    }
}
