package dev.tollgate.api.key;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Issues an API key. Only the SHA-256 of the secret travels here: the secret itself is shown to the admin once
 * and never stored.
 *
 * @param userId        the owner, or {@code null} for a team key (requests then name the user in the
 *                      OpenAI {@code user} field)
 * @param allowedModels the public model names the key may use; empty means every model
 * @param expiresAt     {@code null}: never expires
 * @param metadata      free-form labels for people (never interpreted)
 * @param defaultTags   tags added to every request made with the key (a request's own tags win)
 */
public record IssueKey(@TargetAggregateIdentifier String keyId, String secretHash, String displayPrefix, String name,
                       String teamId, String userId, List<String> allowedModels, Instant expiresAt, KeyLimits limits,
                       Map<String, String> metadata, Map<String, String> defaultTags, String actor) {

    public IssueKey {
        allowedModels = allowedModels == null ? List.of() : List.copyOf(allowedModels);
        limits = limits == null ? KeyLimits.NONE : limits;
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        defaultTags = defaultTags == null ? Map.of() : Map.copyOf(defaultTags);
    }
}
