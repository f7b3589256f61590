package dev.tollgate.api.boost;

import org.axonframework.serialization.Revision;

import java.time.Instant;
import java.util.List;

/**
 * Every member of a cohort boost has been offered their share: {@code boosted} of them have it, {@code skipped} were
 * refused it by their team. Recorded once per cohort boost.
 */
@Revision("1")
public record CohortBoostDistributed(String boostId, int boosted, List<SkippedMember> skipped, Instant at) {

    public CohortBoostDistributed {
        skipped = List.copyOf(skipped);
    }
}
