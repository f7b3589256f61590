package dev.tollgate.api.topup;

import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.Money;
import org.axonframework.serialization.Revision;

import java.time.Instant;

/**
 * A lifetime allowance was topped up by {@code amount}: {@code budget} is the allowance after it (its limit is the
 * previous limit plus {@code amount}), {@code balance} the account after it.
 *
 * @param userId {@code null}: the team's own allowance
 */
@Revision("1")
public record BudgetToppedUp(String teamId, String topUpId, String userId, Money amount, Budget budget,
                             String actor, String reason, Instant at, AccountBalance balance) {
}
