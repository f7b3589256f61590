package dev.tollgate.api.recalculation;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Every corrected cost of an approved recalculation has been recorded on its team. */
public record RecordRecalculationApplied(@TargetAggregateIdentifier String recalculationId, long adjusted) {
}
