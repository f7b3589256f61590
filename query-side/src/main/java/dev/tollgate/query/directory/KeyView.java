package dev.tollgate.query.directory;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An API key as admins see it: never its secret or hash, only the first characters for recognition.
 *
 * @param budget the key's own budget setting, {@code null} when it has none (its live balance: /budgets/keys/{id})
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record KeyView(String id, String name, String displayPrefix, String teamId, String userId,
                      List<String> allowedModels, Instant expiresAt, Long requestsPerMinute, Long tokensPerMinute,
                      BudgetSetting budget, Map<String, String> metadata, Map<String, String> defaultTags,
                      Instant createdAt, String createdBy, Instant rotatedAt, Instant revokedAt, String revokedBy,
                      String revokeReason) {
}
