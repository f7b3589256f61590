package dev.tollgate.api.recalculation;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Another recalculation ({@code supersededBy}) was approved: this one's lines were computed against costs that
 * approval changes, so it may no longer be approved. Sent to every recalculation running or ready when an approval
 * is recorded; one already approved, applied, failed or superseded is left as it is.
 */
public record SupersedeRecalculation(@TargetAggregateIdentifier String recalculationId, String supersededBy,
                                     String actor) {
}
