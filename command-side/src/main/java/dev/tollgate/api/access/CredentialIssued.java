package dev.tollgate.api.access;

import dev.tollgate.api.money.Money;
import org.axonframework.serialization.Revision;

import java.time.Instant;
import java.util.Set;

@Revision("1")
public record CredentialIssued(String credentialId, String secretHash, String displayPrefix, String name, Role role,
                               Set<String> teams, Money budgetCap, String actor, String reason, Instant at) {

    public CredentialIssued {
        teams = teams == null ? Set.of() : Set.copyOf(teams);
    }
}
