package dev.tollgate.api.boost;

import org.axonframework.serialization.Revision;

import java.time.Instant;

@Revision("1")
public record BoostExpired(String teamId, String boostId, String userId, Instant endsAt, Instant at) {
}
