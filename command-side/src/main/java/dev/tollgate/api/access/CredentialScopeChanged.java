package dev.tollgate.api.access;

import dev.tollgate.api.money.Money;
import org.axonframework.serialization.Revision;

import java.time.Instant;
import java.util.Set;

@Revision("1")
public record CredentialScopeChanged(String credentialId, Role role, Set<String> teams, Money budgetCap,
                                     Role previousRole, Set<String> previousTeams, String actor, String reason,
                                     Instant at) {
}
