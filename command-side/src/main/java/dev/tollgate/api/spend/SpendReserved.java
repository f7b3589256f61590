package dev.tollgate.api.spend;

import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.Money;
import org.axonframework.serialization.Revision;

import java.time.Instant;
import java.util.Map;

/**
 * Budget was set aside for a request before it went upstream.
 *
 * @param requestedMaxTokens the output tokens the worst case was computed for: the request's max_tokens (or the
 *                           model's output cap when it set none, or when it asked for more), times {@code n}
 * @param grantedMaxTokens   the output tokens the reservation covers; fewer when {@code clamped}
 * @param tags               the request's labels
 * @param userBalance        {@code null} when the request is charged to the team only
 * @param keyBalance         {@code null} unless the key has a budget of its own
 */
@Revision("2")
public record SpendReserved(String requestId, String teamId, String userId, String keyId, String model,
                            Money amount, long requestedMaxTokens, long grantedMaxTokens, boolean clamped,
                            Instant at, Instant expiresAt, Map<String, String> tags, AccountBalance teamBalance,
                            AccountBalance userBalance, AccountBalance keyBalance) implements RequestEvent {

    public SpendReserved {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }
}
