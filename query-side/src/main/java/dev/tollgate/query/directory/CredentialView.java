package dev.tollgate.query.directory;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.List;

/** An administrative credential as admins see it (never its secret or hash). */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CredentialView(String id, String name, String displayPrefix, String role, List<String> teams,
                             String budgetCap, Instant createdAt, String createdBy, Instant updatedAt,
                             Instant revokedAt, String revokedBy) {
}
