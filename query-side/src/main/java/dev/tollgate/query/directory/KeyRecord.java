package dev.tollgate.query.directory;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * What the edge needs to know about a presented key.
 *
 * @param userId            {@code null} for a team key
 * @param allowedModels     empty: every model
 * @param requestsPerMinute {@code null}: no request rate limit
 * @param tokensPerMinute   {@code null}: no token rate limit
 * @param defaultTags       tags added to each request made with the key
 */
public record KeyRecord(String keyId, String teamId, String userId, Set<String> allowedModels, Instant expiresAt,
                        Instant revokedAt, Long requestsPerMinute, Long tokensPerMinute,
                        Map<String, String> defaultTags) {

    public KeyRecord {
        defaultTags = defaultTags == null ? Map.of() : Map.copyOf(defaultTags);
    }

    public boolean isTeamKey() {
        return userId == null;
    }

    public boolean usableAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }

    public boolean allows(String model) {
        return allowedModels.isEmpty() || allowedModels.contains(model);
    }
}
