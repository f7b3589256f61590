package dev.tollgate.api.boost;

import dev.tollgate.api.money.Money;
import org.axonframework.serialization.Revision;

import java.time.Instant;
import java.util.List;

/**
 * @param limitCap the budget cap of the actor who decided it, which each member's team applies to that member's share
 *                 ({@link GrantBoost#limitCap()}); {@code null}: none (an admin, an uncapped manager, and every cohort
 *                 boost of revision 1)
 */
@Revision("2")
public record CohortBoostGranted(String boostId, List<CohortMember> members, String selector, Money amount,
                                 Instant startsAt, Instant endsAt, String reason, String actor, Instant at,
                                 Money limitCap) {

    public CohortBoostGranted {
        members = List.copyOf(members);
    }

    /** A cohort boost without a cap. */
    public CohortBoostGranted(String boostId, List<CohortMember> members, String selector, Money amount,
                              Instant startsAt, Instant endsAt, String reason, String actor, Instant at) {
        this(boostId, members, selector, amount, startsAt, endsAt, reason, actor, at, null);
    }
}
