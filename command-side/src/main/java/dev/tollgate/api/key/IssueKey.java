package dev.tollgate.api.key;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.List;

/**
 * Issues an API key. Only the SHA-256 of the secret travels here: the secret itself is shown to the admin once
 * and never stored.
 *
 * @param userId        the owner, or {@code null} for a team key (requests then name the user in the
 *                      OpenAI {@code user} field)
 * @param allowedModels the public model names the key may use; empty means every model
 * @param expiresAt     {@code null}: never expires
 */
public record IssueKey(@TargetAggregateIdentifier String keyId, String secretHash, String displayPrefix, String name,
                       String teamId, String userId, List<String> allowedModels, Instant expiresAt, String actor) {

    public IssueKey {
        allowedModels = allowedModels == null ? List.of() : List.copyOf(allowedModels);
    }
}
