package dev.tollgate.projection.audit;

import dev.tollgate.api.access.CredentialIssued;
import dev.tollgate.api.access.Role;
import dev.tollgate.api.boost.BoostGranted;
import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.BudgetPeriod;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.team.TeamBudgetSet;
import dev.tollgate.api.money.OverBudgetPolicy;
import dev.tollgate.projection.ReadModelDatabase;
import dev.tollgate.readmodel.tables.records.AuditLogRecord;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
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
}
