package dev.tollgate.api.boost;

import java.time.Instant;

public record BoostRevoked(String teamId, String boostId, String userId, String actor, String reason, Instant at) {
}
