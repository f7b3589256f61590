package dev.tollgate.api.spend;

import dev.tollgate.api.money.Money;
import org.axonframework.serialization.Revision;

import java.time.Instant;
import java.util.Map;

/**
 * A settlement charged more than its reservation: the upstream ignored max_tokens, or counted more prompt tokens
 * than Tollgate did. Recorded next to its {@link SpendSettled} (whose balances count the excess as {@code overrun})
 * so that spend beyond a limit is never hidden in a total.
 *
 * @param reserved   what had been reserved for the request
 * @param cost       what it was charged
 * @param excess     {@code cost - reserved}, always positive
 * @param reservedAt when it was reserved: the excess belongs to the budget period of that instant
 * @param model      the model that answered, as on the settlement
 * @param tags       the request's labels, as on the settlement
 */
@Revision("1")
public record SpendOverran(String requestId, String teamId, String userId, String keyId, String model,
                           String provider, String deployment, Money reserved, Money cost, Money excess,
                           Instant reservedAt, Instant at, Map<String, String> tags) implements RequestEvent {

    public SpendOverran {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }
}
