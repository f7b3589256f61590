package dev.tollgate.api.alert;

import org.axonframework.serialization.Revision;

import java.time.Instant;

/** A threshold was set (or replaced) on a team's budgets, by whom and why. */
@Revision("1")
public record ThresholdSet(String teamId, String thresholdId, ThresholdScope scope, String subject,
                           ThresholdKind kind, int percent, String actor, String reason, Instant at) {
}
