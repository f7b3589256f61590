package dev.tollgate.api.team;

import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.Money;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Gives a member their own budget, or ({@code budget == null}) returns them to the team's member budget.
 *
 * @param limitCap the largest limit the actor may leave the member with, counting all their boosts not yet ended (a
 *                 manager's budget cap, decided by the team as {@link dev.tollgate.api.boost.GrantBoost#limitCap()}
 *                 is: a limit raised under boosts granted earlier raises what the member may spend as surely as a
 *                 boost does); {@code null}: no cap
 */
public record SetUserBudget(@TargetAggregateIdentifier String teamId, String userId, Budget budget, String actor,
                            String reason, Money limitCap) {

    /** A change by an actor without a cap (an admin, a test). */
    public SetUserBudget(String teamId, String userId, Budget budget, String actor, String reason) {
        this(teamId, userId, budget, actor, reason, null);
    }
}
