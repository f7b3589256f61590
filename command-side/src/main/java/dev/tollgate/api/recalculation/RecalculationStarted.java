package dev.tollgate.api.recalculation;

import org.axonframework.serialization.Revision;

import java.time.Instant;

/** A recalculation began; {@code to} is fixed when it starts, so its diff covers a closed range. */
@Revision("1")
public record RecalculationStarted(String recalculationId, Instant from, Instant to, String reason, String actor,
                                   Instant at) {
}
