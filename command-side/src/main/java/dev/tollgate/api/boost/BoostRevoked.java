package dev.tollgate.api.boost;

import org.axonframework.serialization.Revision;

import java.time.Instant;

@Revision("1")
public record BoostRevoked(String teamId, String boostId, String userId, String actor, String reason, Instant at) {
}
