package dev.tollgate.api.priceproposal;

import dev.tollgate.api.money.ModelPrice;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.List;
import java.util.Map;

/**
 * A price source's table differs from the prices in force: propose the change, pending an admin's decision.
 *
 * @param proposalId derived from the source and what it proposes, so that the same change is proposed once
 * @param prices     the proposed price of every model that changes
 */
public record ProposePrices(@TargetAggregateIdentifier String proposalId, String sourceId, List<PriceChange> changes,
                            Map<String, ModelPrice> prices, String actor) {

    public ProposePrices {
        changes = List.copyOf(changes);
        prices = Map.copyOf(prices);
    }
}
