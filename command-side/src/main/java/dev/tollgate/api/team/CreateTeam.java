package dev.tollgate.api.team;

import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.OverBudgetPolicy;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Creates a team with its own budget and the default budget of each member.
 *
 * @param memberBudget the budget of a member who has none of their own
 */
public record CreateTeam(@TargetAggregateIdentifier String teamId, String name, Budget budget, Budget memberBudget,
                         OverBudgetPolicy policy, String actor, String reason) {
}
