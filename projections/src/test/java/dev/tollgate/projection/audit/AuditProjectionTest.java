package dev.tollgate.projection.audit;

import dev.tollgate.api.access.CredentialIssued;
import dev.tollgate.api.access.Role;
import dev.tollgate.api.boost.BoostGranted;
import dev.tollgate.api.boost.CohortBoostDistributed;
import dev.tollgate.api.boost.CohortBoostDistributedWithoutRecord;
import dev.tollgate.api.boost.SkippedMember;
import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.BudgetPeriod;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.team.TeamBudgetSet;
import dev.tollgate.api.money.OverBudgetPolicy;
import dev.tollgate.projection.ReadModelDatabase;
import dev.tollgate.projection.support.Json;
import dev.tollgate.readmodel.tables.records.AuditLogRecord;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import static dev.tollgate.readmodel.Tables.AUDIT_LOG;
import static org.assertj.core.api.Assertions.assertThat;

class AuditProjectionTest {

    static final Instant T0 = Instant.parse("2026-03-10T12:00:00Z");
    static final AccountBalance ANY = new AccountBalance(null, BudgetPeriod.NONE, Instant.EPOCH, null, Money.ZERO,
            Money.ZERO);

    DSLContext dsl = ReadModelDatabase.dsl();
    AuditProjection projection = new AuditProjection(dsl);

    @BeforeEach
    void clean() {
        ReadModelDatabase.truncateReadTables();
    }

    @Test
    void recordsWhoDidWhatWhenAndWhyOnceAndNeverASecretsHash() {
        Budget budget = Budget.of("200", BudgetPeriod.MONTHLY);
        projection.on(new TeamBudgetSet("cs", budget, budget, OverBudgetPolicy.CLAMP, Budget.UNLIMITED, "cred_1",
                "more students", T0, ANY), "event-1");
        projection.on(new TeamBudgetSet("cs", budget, budget, OverBudgetPolicy.CLAMP, Budget.UNLIMITED, "cred_1",
                "more students", T0, ANY), "event-1");
        projection.on(new BoostGranted("cs", "b1", "alice", Money.of("5"), T0, T0.plusSeconds(60), "exam", null,
                "cred_2", T0.plusSeconds(1)), "event-2");
        projection.on(new CredentialIssued("c9", "e".repeat(64), "tga-x", "Ada", Role.FINANCE, Set.of(), null,
                "master", "finance office", T0.plusSeconds(2)), "event-3");

        assertThat(dsl.fetchCount(AUDIT_LOG)).isEqualTo(3);
        AuditLogRecord budgetChange = dsl.selectFrom(AUDIT_LOG).where(AUDIT_LOG.EVENT_ID.eq("event-1")).fetchSingle();
        assertThat(budgetChange.getActor()).isEqualTo("cred_1");
        assertThat(budgetChange.getAction()).isEqualTo("team.budget_set");
        assertThat(budgetChange.getReason()).isEqualTo("more students");
        assertThat(budgetChange.getTeamId()).isEqualTo("cs");
        assertThat(budgetChange.getDetails().data()).contains("\"limit\": \"200\"").doesNotContain("teamBalance");
        AuditLogRecord boost = dsl.selectFrom(AUDIT_LOG).where(AUDIT_LOG.EVENT_ID.eq("event-2")).fetchSingle();
        assertThat(boost.getEntityType()).isEqualTo("boost");
        assertThat(boost.getDetails().data()).contains("\"amount\": \"5\"");
        AuditLogRecord credential = dsl.selectFrom(AUDIT_LOG).where(AUDIT_LOG.EVENT_ID.eq("event-3")).fetchSingle();
        assertThat(credential.getDetails().data()).doesNotContain("eeeeeeee").contains("finance");
    }

    /**
     * A cohort boost distributed before distributions were recorded has its distribution in the trail as a recorded
     * one has, by system; its details say who was skipped was not recorded.
     */
    @Test
    void aDistributionWithoutARecordIsAuditedAsADistributionWhoseSkippedMembersWereNotRecorded() throws Exception {
        projection.on(new CohortBoostDistributed("b1", 1, List.of(new SkippedMember("cy", "math", "at 100")),
                T0), "event-1");
        projection.on(new CohortBoostDistributedWithoutRecord("legacy", T0.plusSeconds(5)), "event-2");
        projection.on(new CohortBoostDistributedWithoutRecord("legacy", T0.plusSeconds(5)), "event-2");

        AuditLogRecord recorded = dsl.selectFrom(AUDIT_LOG).where(AUDIT_LOG.EVENT_ID.eq("event-1")).fetchSingle();
        AuditLogRecord unrecorded = dsl.selectFrom(AUDIT_LOG).where(AUDIT_LOG.EVENT_ID.eq("event-2")).fetchSingle();
        for (AuditLogRecord entry : List.of(recorded, unrecorded)) {
            assertThat(entry.getActor()).isEqualTo("system");
            assertThat(entry.getAction()).isEqualTo("cohort_boost.distributed");
            assertThat(entry.getEntityType()).isEqualTo("boost");
            assertThat(entry.getTeamId()).isNull();
            assertThat(entry.getReason()).isNull();
        }
        assertThat(recorded.getDetails().data()).contains("\"skipped\": [{").contains("\"reason\": \"at 100\"");
        assertThat(unrecorded.getEntityId()).isEqualTo("legacy");
        assertThat(unrecorded.getAt()).isEqualTo(T0.plusSeconds(5));
        assertThat(Json.mapper().readTree(unrecorded.getDetails().data())).isEqualTo(Json.mapper().readTree(
                "{\"boostId\": \"legacy\", \"skippedUnrecorded\": true, \"at\": \"2026-03-10T12:00:05Z\"}"));
        assertThat(dsl.fetchCount(AUDIT_LOG)).as("once, also when handled again").isEqualTo(2);
    }
}
