package dev.tollgate.api.price;

import dev.tollgate.api.money.ModelPrice;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.Map;

/**
 * Publishes a new version of the price book, in force from {@code effectiveFrom}. The prices given are merged
 * over the version in force at that instant unless {@code replace} is set; every version holds a complete list.
 *
 * @param source {@code config} (the configuration file at start: only the prices the file changed since its last
 *               publication are applied), {@code api}, or {@code litellm}
 */
public record PublishPrices(@TargetAggregateIdentifier String priceBookId, Instant effectiveFrom,
                            Map<String, ModelPrice> prices, boolean replace, String source, String actor,
                            String reason) {

    /** The id of the one price book. */
    public static final String PRICE_BOOK = "price-book";
    /** The source of a publication from the configuration file. */
    public static final String FROM_CONFIG = "config";

    public PublishPrices {
        prices = Map.copyOf(prices);
    }
}
