package dev.tollgate.api.team;

import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.OverBudgetPolicy;
import org.axonframework.serialization.Revision;

import java.time.Instant;

@Revision("2")
public record TeamCreated(String teamId, String name, Budget budget, Budget memberBudget, OverBudgetPolicy policy,
                          String actor, String reason, Instant at, AccountBalance teamBalance) {
}
