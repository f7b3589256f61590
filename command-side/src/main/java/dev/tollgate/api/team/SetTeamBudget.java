package dev.tollgate.api.team;

import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.OverBudgetPolicy;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Changes a team's budget. {@code memberBudget} and {@code policy} are left as they are when {@code null}.
 *
 * @param limitCap the largest limit the actor may leave an account with, counting all its boosts not yet ended (a
 *                 manager's budget cap): the team's budget with the team's boosts, and a new member budget with the
 *                 boosts of each member who follows it; {@code null}: no cap
 */
public record SetTeamBudget(@TargetAggregateIdentifier String teamId, Budget budget, Budget memberBudget,
                            OverBudgetPolicy policy, String actor, String reason, Money limitCap) {

    /** A change by an actor without a cap (an admin, a test). */
    public SetTeamBudget(String teamId, Budget budget, Budget memberBudget, OverBudgetPolicy policy, String actor,
                         String reason) {
        this(teamId, budget, memberBudget, policy, actor, reason, null);
    }
}
