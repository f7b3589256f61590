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
 */
public record GrantCohortBoost(@TargetAggregateIdentifier String boostId, List<CohortMember> members, String selector,
                               Money amount, Instant startsAt, Instant endsAt, String reason, String actor) {

    public GrantCohortBoost {
        members = List.copyOf(members);
    }
}
