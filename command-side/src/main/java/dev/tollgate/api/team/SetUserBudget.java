package dev.tollgate.api.team;

import dev.tollgate.api.money.Budget;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Gives a member their own budget, or ({@code budget == null}) returns them to the team's member budget. */
public record SetUserBudget(@TargetAggregateIdentifier String teamId, String userId, Budget budget, String actor,
                            String reason) {
}
