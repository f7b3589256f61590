package dev.tollgate.api.team;

import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.Budget;
import org.axonframework.serialization.Revision;

import java.time.Instant;

/** @param budget the user's own budget, {@code null} when they follow the team's member budget again */
@Revision("2")
public record UserBudgetSet(String teamId, String userId, Budget budget, Budget previousBudget, String actor,
                           String reason, Instant at, AccountBalance userBalance) {
}
