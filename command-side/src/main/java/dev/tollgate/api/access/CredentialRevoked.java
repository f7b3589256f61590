package dev.tollgate.api.access;

import java.time.Instant;

public record CredentialRevoked(String credentialId, String actor, String reason, Instant at) {
}
