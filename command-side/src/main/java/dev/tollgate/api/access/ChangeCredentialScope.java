package dev.tollgate.api.access;

import dev.tollgate.api.money.Money;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.Set;

/** Changes a credential's role, a manager's teams or cap. The secret stays the same. */
public record ChangeCredentialScope(@TargetAggregateIdentifier String credentialId, Role role, Set<String> teams,
                                    Money budgetCap, String actor, String reason) {

    public ChangeCredentialScope {
        teams = teams == null ? Set.of() : Set.copyOf(teams);
    }
}
