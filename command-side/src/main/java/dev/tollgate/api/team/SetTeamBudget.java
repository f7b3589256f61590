package dev.tollgate.api.team;

import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.OverBudgetPolicy;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Changes a team's budget. {@code memberBudget} and {@code policy} are left as they are when {@code null}.
 */
public record SetTeamBudget(@TargetAggregateIdentifier String teamId, Budget budget, Budget memberBudget,
                            OverBudgetPolicy policy, String actor, String reason) {
}
