package dev.tollgate.api.spend;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.List;

/**
 * Records the corrected costs of an approved recalculation for some of the team's requests. An approval is sent
 * in numbered chunks; a chunk already recorded is ignored, so a retried or resumed approval never adjusts twice.
 */
public record AdjustCosts(@TargetAggregateIdentifier String teamId, String recalculationId, int chunk,
                          List<CostAdjustment> adjustments, String actor, String reason) {

    public AdjustCosts {
        adjustments = List.copyOf(adjustments);
    }
}
