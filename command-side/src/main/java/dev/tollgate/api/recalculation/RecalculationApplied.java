package dev.tollgate.api.recalculation;

import org.axonframework.serialization.Revision;

import java.time.Instant;

@Revision("1")
public record RecalculationApplied(String recalculationId, long adjusted, Instant at) {
}
