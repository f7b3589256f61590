package dev.tollgate.api.key;

import java.time.Instant;
import java.util.List;

public record KeyIssued(String keyId, String secretHash, String displayPrefix, String name, String teamId,
                        String userId, List<String> allowedModels, Instant expiresAt, String actor, Instant at) {

    public KeyIssued {
        allowedModels = allowedModels == null ? List.of() : List.copyOf(allowedModels);
    }
}
