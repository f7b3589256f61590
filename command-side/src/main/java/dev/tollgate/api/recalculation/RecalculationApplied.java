package dev.tollgate.api.recalculation;

import java.time.Instant;

public record RecalculationApplied(String recalculationId, long adjusted, Instant at) {
}
