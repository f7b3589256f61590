package dev.tollgate.api.recalculation;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record FailRecalculation(@TargetAggregateIdentifier String recalculationId, String error) {
}
