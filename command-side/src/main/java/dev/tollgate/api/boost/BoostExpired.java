package dev.tollgate.api.boost;

import java.time.Instant;

public record BoostExpired(String teamId, String boostId, String userId, Instant endsAt, Instant at) {
}
