package dev.tollgate.api.boost;

import dev.tollgate.api.money.Money;
import org.axonframework.serialization.Revision;

import java.time.Instant;
import java.util.List;

@Revision("1")
public record CohortBoostGranted(String boostId, List<CohortMember> members, String selector, Money amount,
                                 Instant startsAt, Instant endsAt, String reason, String actor, Instant at) {

    public CohortBoostGranted {
        members = List.copyOf(members);
    }
}
