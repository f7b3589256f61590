package dev.tollgate.api.boost;

import dev.tollgate.api.money.Money;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * Grants an extra amount to the team's budget ({@code userId == null}) or to one member's, from {@code startsAt}
 * (inclusive) to {@code endsAt} (exclusive). While active it adds to the limit; it never removes spend.
 *
 * @param cohortId the cohort boost this member's boost is part of, or {@code null}
 */
public record GrantBoost(@TargetAggregateIdentifier String teamId, String boostId, String userId, Money amount,
                         Instant startsAt, Instant endsAt, String reason, String cohortId, String actor) {
}
