package dev.tollgate.api.alert;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record RemoveThreshold(@TargetAggregateIdentifier String teamId, String thresholdId, String actor,
                              String reason) {
}
