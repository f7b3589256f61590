package dev.tollgate.api.priceproposal;

import dev.tollgate.api.money.ModelPrice;
import org.axonframework.serialization.Revision;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A price source proposed a change of prices (its diff and the proposed prices); nothing is in force yet. */
@Revision("1")
public record PricesProposed(String proposalId, String sourceId, List<PriceChange> changes,
                             Map<String, ModelPrice> prices, String actor, Instant at) {

    public PricesProposed {
        changes = List.copyOf(changes);
        prices = Map.copyOf(prices);
    }
}
