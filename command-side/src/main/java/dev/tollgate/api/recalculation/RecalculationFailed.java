package dev.tollgate.api.recalculation;

import org.axonframework.serialization.Revision;

import java.time.Instant;

/** A recalculation could not finish (for example, the application stopped during its replay); start another. */
@Revision("1")
public record RecalculationFailed(String recalculationId, String error, Instant at) {
}
