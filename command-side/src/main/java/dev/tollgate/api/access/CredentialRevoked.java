package dev.tollgate.api.access;

import org.axonframework.serialization.Revision;

import java.time.Instant;

@Revision("1")
public record CredentialRevoked(String credentialId, String actor, String reason, Instant at) {
}
