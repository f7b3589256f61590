package dev.tollgate.query.directory;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.List;

/** An API key as admins see it: never its secret or hash, only the first characters for recognition. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record KeyView(String id, String name, String displayPrefix, String teamId, String userId,
                      List<String> allowedModels, Instant expiresAt, Instant createdAt, String createdBy,
                      Instant revokedAt, String revokedBy, String revokeReason) {
}
