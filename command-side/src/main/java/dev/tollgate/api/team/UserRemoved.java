package dev.tollgate.api.team;

import org.axonframework.serialization.Revision;

import java.time.Instant;

@Revision("1")
public record UserRemoved(String teamId, String userId, String externalId, String actor, String reason, Instant at) {
}
