package dev.tollgate.api.recalculation;

import java.time.Instant;

public record RecalculationApproved(String recalculationId, String actor, String reason, Instant at) {
}
