package dev.tollgate.api.spend;

import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.Money;
import org.axonframework.serialization.Revision;

import java.time.Instant;
import java.util.Map;

/**
 * A reservation was never settled (a crash, a cut connection) and passed its deadline. It is charged at its
 * estimate so the budget is never undercounted, and flagged so that finance can review it.
 *
 * @param model the model it was reserved for; {@code tags} its labels (both for reports)
 */
@Revision("2")
public record ReservationExpired(String requestId, String teamId, String userId, String keyId,
                                 Money chargedEstimate, boolean flaggedForReview, Instant reservedAt,
                                 Instant expiresAt, Instant at, AccountBalance teamBalance,
                                 AccountBalance userBalance, AccountBalance keyBalance, String model,
                                 Map<String, String> tags) implements RequestEvent {

    public ReservationExpired {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    /** An expiry without model and labels. */
    public ReservationExpired(String requestId, String teamId, String userId, String keyId, Money chargedEstimate,
                              boolean flaggedForReview, Instant reservedAt, Instant expiresAt, Instant at,
                              AccountBalance teamBalance, AccountBalance userBalance, AccountBalance keyBalance) {
        this(requestId, teamId, userId, keyId, chargedEstimate, flaggedForReview, reservedAt, expiresAt, at,
                teamBalance, userBalance, keyBalance, null, Map.of());
    }
}
