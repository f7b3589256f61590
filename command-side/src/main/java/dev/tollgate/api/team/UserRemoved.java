package dev.tollgate.api.team;

import java.time.Instant;

public record UserRemoved(String teamId, String userId, String externalId, String actor, String reason, Instant at) {
}
