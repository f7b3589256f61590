package dev.tollgate.api.price;

import dev.tollgate.api.money.ModelPrice;
import org.axonframework.serialization.Revision;

import java.time.Instant;
import java.util.Map;

/**
 * A version of the price book: the complete list of prices in force from {@code effectiveFrom} until a later
 * version's {@code effectiveFrom}.
 *
 * @param version    1, 2, 3... in the order of publication ({@code v<n>} on settlements)
 * @param changed    the models whose price this version sets or changes
 * @param configured for a publication from the configuration file: every price the file holds now (so that the
 *                   next start publishes only what the file changes, never undoing a price set through the API)
 */
@Revision("1")
public record PricesPublished(String priceBookId, int version, Instant effectiveFrom, Map<String, ModelPrice> prices,
                              java.util.Set<String> changed, String source, String actor, String reason,
                              Instant at, Map<String, ModelPrice> configured) {

    public PricesPublished {
        prices = Map.copyOf(prices);
        changed = java.util.Set.copyOf(changed);
        configured = configured == null ? Map.of() : Map.copyOf(configured);
    }

    public String label() {
        return "v" + version;
    }
}
