package dev.tollgate.api.recalculation;

import org.axonframework.serialization.Revision;

import java.time.Instant;

@Revision("1")
public record RecalculationApproved(String recalculationId, String actor, String reason, Instant at) {
}
