package dev.tollgate.api.team;

import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.Budget;
import org.axonframework.serialization.Revision;

import java.time.Instant;

/** @param keyBalance {@code null} when the key no longer has a budget of its own */
@Revision("2")
public record KeyBudgetSet(String teamId, String keyId, Budget budget, Budget previousBudget, String actor,
                           String reason, Instant at, AccountBalance keyBalance) {
}
