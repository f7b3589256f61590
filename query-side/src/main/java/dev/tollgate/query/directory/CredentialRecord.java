package dev.tollgate.query.directory;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Set;

/** What the edge needs to know about a presented administrative credential. */
public record CredentialRecord(String credentialId, String role, Set<String> teams, BigDecimal budgetCap,
                               Instant revokedAt) {
}
