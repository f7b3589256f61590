package dev.tollgate.query.budget;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;

/**
 * A live budget. {@code limit}, {@code effective_limit} and {@code remaining} are {@code null} when the budget is
 * unlimited; {@code period_end} is {@code null} when it never resets. Amounts are decimal strings.
 *
 * @param limit          the budget's own limit
 * @param boosts         the boosts active now, added to the limit
 * @param effectiveLimit limit + boosts: what spend and reservations are held to now
 * @param spent          settled spend in the current period
 * @param reserved       what requests in flight have set aside
 * @param overrun        the part of {@code spent} that settlements charged beyond their reservations this period:
 *                       what {@code spent} may exceed the limit by (then {@code remaining} is negative)
 * @param forecast       burn rate and projected run-out ({@link Forecast}); {@code null} for keys and in bulk lists
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record BudgetView(String accountType, String id, String teamId, String limit, String boosts,
                         String effectiveLimit, String period, Instant periodStart, Instant periodEnd, String spent,
                         String reserved, String overrun, String remaining, Boolean followsTeamDefault,
                         Instant updatedAt, Forecast forecast) {
}
