package dev.tollgate.api.team;

import dev.tollgate.api.money.Budget;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Gives a key of the team a budget of its own, checked besides the user's and the team's; {@code null}: none. */
public record SetKeyBudget(@TargetAggregateIdentifier String teamId, String keyId, Budget budget, String actor,
                           String reason) {
}
