package dev.tollgate.api.boost;

import org.axonframework.serialization.Revision;

import java.time.Instant;

/**
 * A grant of a cohort boost was sent again with its terms (a client's retry) before the cohort boost had recorded its
 * distribution. Nothing changes for the members: it asks the distributor, which handles it after the grant itself (one
 * segment, in order), to confirm that it has been through the cohort ({@link ConfirmCohortBoostDistribution}), so that
 * a cohort boost whose grant it handled without recording a distribution (as it did before 2026-12-07) records that
 * ({@link CohortBoostDistributedWithoutRecord}) and the retry's answer stops waiting for it.
 *
 * @param actor who sent the grant again
 */
@Revision("1")
public record CohortBoostGrantRepeated(String boostId, String actor, Instant at) {
}
