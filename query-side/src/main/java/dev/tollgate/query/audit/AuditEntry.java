package dev.tollgate.query.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;

/** One administrative change: who, when, what, on which entity, why, and the event's own fields. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AuditEntry(long id, Instant at, String actor, String action, String entityType, String entityId,
                         String teamId, String reason, JsonNode details) {
}
