package dev.tollgate.api.spend;

import dev.tollgate.api.Limits;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.TokenPrice;

import java.time.Duration;
import java.util.Map;

/**
 * Reserve the worst-case cost of a request before it goes upstream.
 * The worst case is {@code promptCost + outputPrice × maxOutputTokens}. When it does not fit and the team's policy
 * is to clamp, the team may grant fewer output tokens, but never fewer than {@code minOutputTokens}.
 *
 * @param userId         the member the request is for, or {@code null}
 * @param externalUserId with a team key: the OpenAI {@code user} field; an unknown one is registered into the team
 * @param keyId          the API key used
 * @param ttl            how long the reservation may stay open before it expires and is charged at its estimate
 * @param tags           labels of the request (its own and the key's defaults), kept with its cost
 */
public record ReserveSpend(String requestId, String userId, String externalUserId, String keyId, String model,
                           Money promptCost, TokenPrice outputPrice, long maxOutputTokens, long minOutputTokens,
                           Duration ttl, Map<String, String> tags) implements SpendLine {

    public ReserveSpend {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        if (externalUserId != null && externalUserId.length() > Limits.REQUEST_USER) {
            // the edge refuses such a 'user' with a 400; a line that carried one could not register its member
            throw new IllegalArgumentException("'user' has at most " + Limits.REQUEST_USER + " characters.");
        }
    }

    public Money worstCase() {
        return promptCost.plus(outputPrice.costOf(maxOutputTokens));
    }
}
