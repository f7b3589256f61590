package dev.tollgate.api.boost;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.List;

/**
 * The cohort boost's shares have been offered to every member's team: {@code skipped} are the members whose team
 * refused theirs, every other member has theirs. Sent by the edge's distributor once it has been through the cohort.
 */
public record RecordCohortBoostDistribution(@TargetAggregateIdentifier String boostId, List<SkippedMember> skipped) {

    public RecordCohortBoostDistribution {
        skipped = List.copyOf(skipped);
    }
}
