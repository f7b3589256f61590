package dev.tollgate.projection.boost;

import dev.tollgate.api.boost.CohortBoostDistributed;
import dev.tollgate.api.boost.CohortBoostDistributedWithoutRecord;
import dev.tollgate.api.boost.CohortBoostGranted;
import dev.tollgate.api.boost.CohortMember;
import dev.tollgate.api.boost.SkippedMember;
import dev.tollgate.api.money.Money;
import dev.tollgate.projection.ReadModelDatabase;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static dev.tollgate.readmodel.Tables.COHORT_BOOSTS;
import static dev.tollgate.readmodel.Tables.COHORT_BOOST_SKIPS;
import static org.assertj.core.api.Assertions.assertThat;

class BoostProjectionTest {

    static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

    DSLContext dsl = ReadModelDatabase.dsl();
    BoostProjection projection = new BoostProjection(dsl);

    @BeforeEach
    void clean() {
        ReadModelDatabase.truncateReadTables();
    }

    @Test
    void aCohortBoostsDistributionMarksItAndListsTheMembersSkippedOnceEvenWhenHandledAgain() {
        projection.on(new CohortBoostGranted("b1", List.of(new CohortMember("ann", "cs"),
                new CohortMember("bo", "cs"), new CohortMember("cy", "math")), "users", Money.of("2"), T0,
                T0.plusSeconds(3600), "project week", "manager", T0, Money.of("10")));
        assertThat(dsl.fetchValue(COHORT_BOOSTS.DISTRIBUTED_AT, COHORT_BOOSTS.BOOST_ID.eq("b1"))).isNull();

        CohortBoostDistributed distributed = new CohortBoostDistributed("b1", 1, List.of(
                new SkippedMember("cy", "math", "Your budget cap is 10"), new SkippedMember("bo", "cs", "at 100")),
                T0.plusSeconds(2));
        projection.on(distributed);
        projection.on(distributed); // a redelivery after a crash before the token was stored

        assertThat(dsl.fetchValue(COHORT_BOOSTS.DISTRIBUTED_AT, COHORT_BOOSTS.BOOST_ID.eq("b1")))
                .isEqualTo(T0.plusSeconds(2));
        assertThat(dsl.select(COHORT_BOOST_SKIPS.TEAM_ID, COHORT_BOOST_SKIPS.USER_ID, COHORT_BOOST_SKIPS.REASON)
                .from(COHORT_BOOST_SKIPS).orderBy(COHORT_BOOST_SKIPS.TEAM_ID).fetch(r -> r.value1() + "/"
                        + r.value2() + ": " + r.value3()))
                .containsExactly("cs/bo: at 100", "math/cy: Your budget cap is 10");
        assertThat(dsl.fetchValue(COHORT_BOOSTS.SKIPPED_UNRECORDED, COHORT_BOOSTS.BOOST_ID.eq("b1")))
                .as("its skipped members are recorded").isFalse();
    }

    @Test
    void aCohortBoostDistributedWithoutARecordIsMarkedDistributedWithItsSkippedMembersUnknownEvenWhenHandledAgain() {
        projection.on(new CohortBoostGranted("legacy", List.of(new CohortMember("ann", "cs"),
                new CohortMember("bo", "cs")), "tag:course:cs101", Money.of("2"), T0, T0.plusSeconds(3600),
                "project week", "manager", T0, null));
        assertThat(dsl.fetchValue(COHORT_BOOSTS.SKIPPED_UNRECORDED, COHORT_BOOSTS.BOOST_ID.eq("legacy"))).isFalse();

        CohortBoostDistributedWithoutRecord distributed = new CohortBoostDistributedWithoutRecord("legacy",
                T0.plusSeconds(86_400));
        projection.on(distributed);
        projection.on(distributed);

        var row = dsl.selectFrom(COHORT_BOOSTS).where(COHORT_BOOSTS.BOOST_ID.eq("legacy")).fetchOne();
        assertThat(row.getDistributedAt()).isEqualTo(T0.plusSeconds(86_400));
        assertThat(row.getSkippedUnrecorded()).isTrue();
        assertThat(dsl.fetchCount(COHORT_BOOST_SKIPS)).as("no member is named skipped").isZero();
    }
}
