package dev.tollgate.api.key;

import org.axonframework.serialization.Revision;

import java.time.Instant;

@Revision("1")
public record KeyRotated(String keyId, String teamId, String secretHash, String displayPrefix,
                         String previousDisplayPrefix, String actor, String reason, Instant at) {
}
