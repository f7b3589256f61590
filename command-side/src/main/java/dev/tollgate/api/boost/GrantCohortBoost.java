package dev.tollgate.api.boost;

import dev.tollgate.api.money.Money;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.List;

/**
 * One decision to boost every member of a cohort (a list of users, or the users carrying a tag when it is made),
 * each by {@code amount}, from {@code startsAt} to {@code endsAt}. It is then recorded on each member's team.
 *
 * @param selector how the cohort was chosen, for the record (for example {@code tag:course:cs101})
 * @param limitCap the actor's budget cap, which bounds each member's share as it bounds a boost of one account
 *                 ({@link GrantBoost#limitCap()}); {@code null}: no cap
 */
public record GrantCohortBoost(@TargetAggregateIdentifier String boostId, List<CohortMember> members, String selector,
                               Money amount, Instant startsAt, Instant endsAt, String reason, String actor,
                               Money limitCap) {

    public GrantCohortBoost {
        members = List.copyOf(members);
    }

    /** A cohort boost by an actor without a cap (an admin, a test). */
    public GrantCohortBoost(String boostId, List<CohortMember> members, String selector, Money amount,
                            Instant startsAt, Instant endsAt, String reason, String actor) {
        this(boostId, members, selector, amount, startsAt, endsAt, reason, actor, null);
    }
}
