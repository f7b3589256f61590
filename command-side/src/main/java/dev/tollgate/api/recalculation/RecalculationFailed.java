package dev.tollgate.api.recalculation;

import java.time.Instant;

/** A recalculation could not finish (for example, the application stopped during its replay); start another. */
public record RecalculationFailed(String recalculationId, String error, Instant at) {
}
