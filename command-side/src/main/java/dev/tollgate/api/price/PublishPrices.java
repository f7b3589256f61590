package dev.tollgate.api.price;

import dev.tollgate.api.money.ModelPrice;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.Map;

/**
 * Publishes a new version of the price book, in force from {@code effectiveFrom}. The prices given are merged
 * over the version in force at that instant unless {@code replace} is set; every version holds a complete list.
 *
 * @param source {@code config} (the configuration file at start), {@code api}, or {@code litellm}
 */
public record PublishPrices(@TargetAggregateIdentifier String priceBookId, Instant effectiveFrom,
                            Map<String, ModelPrice> prices, boolean replace, String source, String actor,
                            String reason) {

    public PublishPrices {
        prices = Map.copyOf(prices);
    }
}
