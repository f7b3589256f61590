package dev.tollgate.api.spend;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.List;

/**
 * Records the corrected costs of an approved recalculation for some of the team's requests. An approval is sent
 * in numbered chunks; a chunk already recorded is ignored, so a retried or resumed approval never adjusts twice.
 *
 * @param computedAt when the recalculation started: its lines compare with the costs as they stood then, so the
 *                   team refuses them once another recalculation has corrected its costs since
 */
public record AdjustCosts(@TargetAggregateIdentifier String teamId, String recalculationId, Instant computedAt,
                          int chunk, List<CostAdjustment> adjustments, String actor, String reason) {

    /** The code of the team's refusal of a recalculation computed before another corrected its costs. */
    public static final String STALE_RECALCULATION = "stale_recalculation";

    public AdjustCosts {
        adjustments = List.copyOf(adjustments);
    }
}
