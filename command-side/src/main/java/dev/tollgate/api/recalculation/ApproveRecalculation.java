package dev.tollgate.api.recalculation;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Accept a ready recalculation's diff: its corrected costs are then recorded request by request. */
public record ApproveRecalculation(@TargetAggregateIdentifier String recalculationId, String actor, String reason) {
}
