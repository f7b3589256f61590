package dev.tollgate.projection.boost;

import dev.tollgate.api.boost.BoostExpired;
import dev.tollgate.api.boost.BoostGranted;
import dev.tollgate.api.boost.BoostRevoked;
import dev.tollgate.api.boost.CohortBoostDistributed;
import dev.tollgate.api.boost.CohortBoostDistributedWithoutRecord;
import dev.tollgate.api.boost.CohortBoostGranted;
import dev.tollgate.api.boost.CohortBoostRevoked;
import dev.tollgate.api.boost.CohortMember;
import dev.tollgate.api.boost.SkippedMember;
import dev.tollgate.projection.directory.DirectoryProjection;
import dev.tollgate.projection.support.SavepointPerEvent;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;

import static dev.tollgate.projection.support.Columns.amount;
import static dev.tollgate.readmodel.Tables.BOOSTS;
import static dev.tollgate.readmodel.Tables.COHORT_BOOSTS;
import static dev.tollgate.readmodel.Tables.COHORT_BOOST_SKIPS;

/**
 * Boosts as admins list them, and as the read side adds them to live budgets: one row per boosted account, with its
 * window and how it ended; a cohort boost's decision, when its shares were distributed, and the members skipped (or
 * that they are not known, for a cohort boost distributed before distributions were recorded). Part of the directory
 * processing group.
 */
@Component
@SavepointPerEvent
@ProcessingGroup(DirectoryProjection.PROCESSING_GROUP)
public class BoostProjection {

    private final DSLContext dsl;

    public BoostProjection(DSLContext dsl) {
        this.dsl = dsl;
    }

    @EventHandler
    void on(BoostGranted event) {
        dsl.insertInto(BOOSTS)
                .set(BOOSTS.BOOST_ID, event.boostId())
                .set(BOOSTS.TEAM_ID, event.teamId())
                .set(BOOSTS.USER_ID, event.userId() == null ? "" : event.userId())
                .set(BOOSTS.COHORT_ID, event.cohortId())
                .set(BOOSTS.AMOUNT, amount(event.amount()))
                .set(BOOSTS.STARTS_AT, event.startsAt())
                .set(BOOSTS.ENDS_AT, event.endsAt())
                .set(BOOSTS.REASON, event.reason())
                .set(BOOSTS.GRANTED_BY, event.actor())
                .set(BOOSTS.GRANTED_AT, event.at())
                .onConflictDoNothing()
                .execute();
    }

    @EventHandler
    void on(BoostRevoked event) {
        ended(event.boostId(), event.teamId(), event.userId(), "revoked", event.actor(), event.reason(), event);
    }

    @EventHandler
    void on(BoostExpired event) {
        ended(event.boostId(), event.teamId(), event.userId(), "expired", "system", null, event);
    }

    private void ended(String boostId, String teamId, String userId, String kind, String actor, String reason,
                       Object event) {
        java.time.Instant at = event instanceof BoostRevoked r ? r.at() : ((BoostExpired) event).at();
        dsl.update(BOOSTS)
                .set(BOOSTS.ENDED_AT, at)
                .set(BOOSTS.END_KIND, kind)
                .set(BOOSTS.ENDED_BY, actor)
                .set(BOOSTS.END_REASON, reason)
                .where(BOOSTS.BOOST_ID.eq(boostId))
                .and(BOOSTS.TEAM_ID.eq(teamId))
                .and(BOOSTS.USER_ID.eq(userId == null ? "" : userId))
                .and(BOOSTS.ENDED_AT.isNull())
                .execute();
    }

    @EventHandler
    void on(CohortBoostGranted event) {
        dsl.insertInto(COHORT_BOOSTS)
                .set(COHORT_BOOSTS.BOOST_ID, event.boostId())
                .set(COHORT_BOOSTS.SELECTOR, event.selector())
                .set(COHORT_BOOSTS.MEMBERS, event.members().size())
                .set(COHORT_BOOSTS.TEAMS, event.members().stream().map(CohortMember::teamId).distinct().sorted()
                        .toArray(String[]::new))
                .set(COHORT_BOOSTS.AMOUNT, amount(event.amount()))
                .set(COHORT_BOOSTS.STARTS_AT, event.startsAt())
                .set(COHORT_BOOSTS.ENDS_AT, event.endsAt())
                .set(COHORT_BOOSTS.REASON, event.reason())
                .set(COHORT_BOOSTS.GRANTED_BY, event.actor())
                .set(COHORT_BOOSTS.GRANTED_AT, event.at())
                .onConflictDoNothing()
                .execute();
    }

    @EventHandler
    void on(CohortBoostRevoked event) {
        dsl.update(COHORT_BOOSTS)
                .set(COHORT_BOOSTS.REVOKED_AT, event.at())
                .set(COHORT_BOOSTS.REVOKED_BY, event.actor())
                .set(COHORT_BOOSTS.REVOKE_REASON, event.reason())
                .where(COHORT_BOOSTS.BOOST_ID.eq(event.boostId()))
                .execute();
    }

    @EventHandler
    void on(CohortBoostDistributed event) {
        dsl.update(COHORT_BOOSTS)
                .set(COHORT_BOOSTS.DISTRIBUTED_AT, event.at())
                .where(COHORT_BOOSTS.BOOST_ID.eq(event.boostId()))
                .execute();
        for (SkippedMember member : event.skipped()) {
            dsl.insertInto(COHORT_BOOST_SKIPS)
                    .set(COHORT_BOOST_SKIPS.BOOST_ID, event.boostId())
                    .set(COHORT_BOOST_SKIPS.USER_ID, member.userId())
                    .set(COHORT_BOOST_SKIPS.TEAM_ID, member.teamId())
                    .set(COHORT_BOOST_SKIPS.REASON, member.reason())
                    .onConflictDoNothing()
                    .execute();
        }
    }

    /** Distributed, but who was skipped is not known: no skip rows, and nothing waits for them. */
    @EventHandler
    void on(CohortBoostDistributedWithoutRecord event) {
        dsl.update(COHORT_BOOSTS)
                .set(COHORT_BOOSTS.DISTRIBUTED_AT, event.at())
                .set(COHORT_BOOSTS.SKIPPED_UNRECORDED, true)
                .where(COHORT_BOOSTS.BOOST_ID.eq(event.boostId()))
                .execute();
    }

    @ResetHandler
    void reset() {
        dsl.deleteFrom(BOOSTS).execute();
        dsl.deleteFrom(COHORT_BOOST_SKIPS).execute();
        dsl.deleteFrom(COHORT_BOOSTS).execute();
    }
}
