package dev.tollgate.api.access;

import dev.tollgate.api.money.Money;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.Set;

/**
 * Issues an administrative credential: a bearer key with a role. Only the SHA-256 of its secret travels here.
 *
 * @param teams     a manager's teams (empty for other roles)
 * @param budgetCap the largest budget limit or boost a manager may set ({@code null}: no cap; managers only)
 */
public record IssueCredential(@TargetAggregateIdentifier String credentialId, String secretHash, String displayPrefix,
                              String name, Role role, Set<String> teams, Money budgetCap, String actor,
                              String reason) {

    public IssueCredential {
        teams = teams == null ? Set.of() : Set.copyOf(teams);
    }
}
