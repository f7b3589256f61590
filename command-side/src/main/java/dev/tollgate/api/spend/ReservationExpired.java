package dev.tollgate.api.spend;

import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.Money;

import java.time.Instant;

/**
 * A reservation was never settled (a crash, a cut connection) and passed its deadline. It is charged at its
 * estimate so the budget is never undercounted, and flagged so that finance can review it.
 */
public record ReservationExpired(String requestId, String teamId, String userId, String keyId,
                                 Money chargedEstimate, boolean flaggedForReview, Instant reservedAt,
                                 Instant expiresAt, Instant at, AccountBalance teamBalance,
                                 AccountBalance userBalance, AccountBalance keyBalance) implements RequestEvent {
}
