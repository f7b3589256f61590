package dev.tollgate.api.key;

import org.axonframework.serialization.Revision;

import java.time.Instant;

@Revision("1")
public record KeyRevoked(String keyId, String teamId, String actor, String reason, Instant at) {
}
