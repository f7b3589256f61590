package dev.tollgate.api.key;

import org.axonframework.serialization.Revision;

import java.time.Instant;
import java.util.List;
import java.util.Map;

@Revision("1")
public record KeyIssued(String keyId, String secretHash, String displayPrefix, String name, String teamId,
                        String userId, List<String> allowedModels, Instant expiresAt, KeyLimits limits,
                        Map<String, String> metadata, Map<String, String> defaultTags, String actor, Instant at) {

    public KeyIssued {
        allowedModels = allowedModels == null ? List.of() : List.copyOf(allowedModels);
        limits = limits == null ? KeyLimits.NONE : limits;
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        defaultTags = defaultTags == null ? Map.of() : Map.copyOf(defaultTags);
    }
}
