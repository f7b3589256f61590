package dev.tollgate.query.keypolicy;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.List;

/**
 * A team's policy for the keys members make in the portal.
 *
 * @param maxExpiryDays {@code null}: keys may never expire
 * @param allowedModels empty: every model
 * @param setBy         {@code null} for the configured default (no policy set for the team)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record KeyPolicyView(String teamId, int maxKeys, Integer maxExpiryDays, List<String> allowedModels,
                            Long requestsPerMinute, Long tokensPerMinute, String setBy, Instant setAt,
                            String reason) {

    public KeyPolicyView {
        allowedModels = allowedModels == null ? List.of() : List.copyOf(allowedModels);
    }
}
