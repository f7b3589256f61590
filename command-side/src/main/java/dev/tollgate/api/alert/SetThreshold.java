package dev.tollgate.api.alert;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Sets (or replaces) a threshold on a team's budgets.
 *
 * @param subject the user id ({@link ThresholdScope#USER}), key id ({@link ThresholdScope#KEY}) or tag
 *                ({@link ThresholdScope#TAG}); {@code null} for {@link ThresholdScope#TEAM}
 * @param percent of the effective limit (limit plus active boosts), 1 to 1000; ignored for
 *                {@link ThresholdKind#RUN_OUT}
 */
public record SetThreshold(@TargetAggregateIdentifier String teamId, String thresholdId, ThresholdScope scope,
                           String subject, ThresholdKind kind, int percent, String actor, String reason) {
}
