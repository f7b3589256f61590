package dev.tollgate.api.team;

import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.OverBudgetPolicy;
import org.axonframework.serialization.Revision;

import java.time.Instant;

/** The team's budget, member default and policy after the change, with who changed it and why. */
@Revision("2")
public record TeamBudgetSet(String teamId, Budget budget, Budget memberBudget, OverBudgetPolicy policy,
                            Budget previousBudget, String actor, String reason, Instant at,
                            AccountBalance teamBalance) {
}
