package dev.tollgate.api.spend;

import dev.tollgate.api.money.Money;
import org.axonframework.serialization.Revision;

import java.time.Instant;
import java.util.Map;

/**
 * A request was refused because a budget could not cover it; nothing was reserved or sent upstream.
 *
 * @param limitingBudget {@code "user"}, {@code "team"} or {@code "key"}
 * @param needed         the least the request needed (its prompt and the minimum output, or its worst case)
 * @param available      what that budget had left
 * @param resetsAt       when the limiting budget starts again ({@code null}: never)
 */
@Revision("1")
public record SpendRejected(String requestId, String teamId, String userId, String keyId, String model,
                           String limitingBudget, Money needed, Money available, Instant resetsAt, Instant at,
                           Map<String, String> tags) implements RequestEvent {

    public SpendRejected {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }
}
