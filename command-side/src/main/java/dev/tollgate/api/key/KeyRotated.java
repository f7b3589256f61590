package dev.tollgate.api.key;

import java.time.Instant;

public record KeyRotated(String keyId, String teamId, String secretHash, String displayPrefix,
                         String previousDisplayPrefix, String actor, String reason, Instant at) {
}
