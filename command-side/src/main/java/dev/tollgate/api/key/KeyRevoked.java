package dev.tollgate.api.key;

import java.time.Instant;

public record KeyRevoked(String keyId, String teamId, String actor, String reason, Instant at) {
}
