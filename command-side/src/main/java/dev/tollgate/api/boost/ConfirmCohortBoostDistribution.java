package dev.tollgate.api.boost;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * The distributor has been through the cohort boost's members: sent when it handles a {@link CohortBoostGrantRepeated},
 * which it handles after the boost's {@link CohortBoostGranted} (one segment, in order). A cohort boost that has
 * recorded its distribution ({@link RecordCohortBoostDistribution}) changes nothing; one that has not was distributed
 * without a record ({@link CohortBoostDistributedWithoutRecord}).
 */
public record ConfirmCohortBoostDistribution(@TargetAggregateIdentifier String boostId) {
}
