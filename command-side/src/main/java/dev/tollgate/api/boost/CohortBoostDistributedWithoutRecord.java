package dev.tollgate.api.boost;

import org.axonframework.serialization.Revision;

import java.time.Instant;

/**
 * The distributor has been through the cohort boost's grant without recording its distribution
 * ({@link CohortBoostDistributed}): as it did before 2026-12-07, when it offered every member their share and recorded
 * nothing (or, logged, when its handling of the grant failed part-way). Which members were skipped, and why, is not
 * known; the members boosted are those whose teams hold a share. The cohort boost is distributed from then on, as after
 * {@link CohortBoostDistributed}: nothing waits for a record that will not come. Recorded when a repeated grant finds
 * no distribution recorded ({@link CohortBoostGrantRepeated}) and the distributor confirms it has been through the
 * cohort ({@link ConfirmCohortBoostDistribution}).
 *
 * @param at when this was recorded, not when the shares were offered
 */
@Revision("1")
public record CohortBoostDistributedWithoutRecord(String boostId, Instant at) {
}
