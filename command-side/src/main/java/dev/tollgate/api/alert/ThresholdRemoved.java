package dev.tollgate.api.alert;

import org.axonframework.serialization.Revision;

import java.time.Instant;

@Revision("1")
public record ThresholdRemoved(String teamId, String thresholdId, String actor, String reason, Instant at) {
}
