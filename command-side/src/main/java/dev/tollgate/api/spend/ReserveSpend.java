package dev.tollgate.api.spend;

import dev.tollgate.api.InvalidValue;
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
 * @param recountShare   {@code 0}: {@code promptCost} prices the prompt as counted. {@code n > 0}: it prices an
 *                       upper bound of the prompt (its bytes, counted without the tokenizer); the team then answers
 *                       {@link SpendOutcome.Recount}, deciding and recording nothing, whenever the prompt's count could
 *                       matter: the worst case is more than {@code 1/n} of what the tightest budget has left, or the
 *                       line would be refused. The edge counts the prompt exactly and asks again with {@code 0}.
 */
public record ReserveSpend(String requestId, String userId, String externalUserId, String keyId, String model,
                           Money promptCost, TokenPrice outputPrice, long maxOutputTokens, long minOutputTokens,
                           Duration ttl, Map<String, String> tags, int recountShare) implements SpendLine {

    /** A reservation whose prompt is priced as counted. */
    public ReserveSpend(String requestId, String userId, String externalUserId, String keyId, String model,
                        Money promptCost, TokenPrice outputPrice, long maxOutputTokens, long minOutputTokens,
                        Duration ttl, Map<String, String> tags) {
        this(requestId, userId, externalUserId, keyId, model, promptCost, outputPrice, maxOutputTokens,
                minOutputTokens, ttl, tags, 0);
    }

    public ReserveSpend {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        if (externalUserId != null && externalUserId.length() > Limits.REQUEST_USER) {
            // the edge refuses such a 'user' with a 400; a line that carried one could not register its member
            throw new InvalidValue("'user' has at most " + Limits.REQUEST_USER + " characters.");
        }
        if (recountShare < 0) {
            throw new IllegalArgumentException("recountShare is 0 or more");
        }
    }

    public Money worstCase() {
        return promptCost.plus(outputPrice.costOf(maxOutputTokens));
    }
}
