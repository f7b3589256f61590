package dev.tollgate.api.boost;

import dev.tollgate.api.money.Money;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * Grants an extra amount to the team's budget ({@code userId == null}) or to one member's, from {@code startsAt}
 * (inclusive) to {@code endsAt} (exclusive). While active it adds to the limit; it never removes spend.
 *
 * @param cohortId the cohort boost this member's boost is part of, or {@code null}
 * @param limitCap the largest limit the actor may leave the account with, counting all its boosts not yet ended (a
 *                 manager's budget cap: boosts stacked on one account raise its limit as surely as a budget change
 *                 does); {@code null}: no cap
 */
public record GrantBoost(@TargetAggregateIdentifier String teamId, String boostId, String userId, Money amount,
                         Instant startsAt, Instant endsAt, String reason, String cohortId, String actor,
                         Money limitCap) {

    /** A grant by an actor without a cap (an admin, a test). */
    public GrantBoost(String teamId, String boostId, String userId, Money amount, Instant startsAt, Instant endsAt,
                      String reason, String cohortId, String actor) {
        this(teamId, boostId, userId, amount, startsAt, endsAt, reason, cohortId, actor, null);
    }
}
