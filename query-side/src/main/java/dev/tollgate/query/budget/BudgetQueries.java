package dev.tollgate.query.budget;

import dev.tollgate.query.support.Amounts;
import dev.tollgate.readmodel.tables.records.BudgetStatusRecord;
import org.jooq.DSLContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static dev.tollgate.readmodel.Tables.BUDGET_STATUS;

/** Live budgets from {@code budget_status}, rolled into the current period when the stored one has ended. */
@Service
public class BudgetQueries {

    private final DSLContext dsl;
    private final Clock clock;

    @Autowired
    public BudgetQueries(DSLContext dsl) {
        this(dsl, Clock.systemUTC());
    }

    BudgetQueries(DSLContext dsl, Clock clock) {
        this.dsl = dsl;
        this.clock = clock;
    }

    public Optional<BudgetView> team(String teamId) {
        return account("team", teamId);
    }

    public Optional<BudgetView> user(String userId) {
        return account("user", userId);
    }

    public List<BudgetView> members(String teamId) {
        Instant now = clock.instant();
        return dsl.selectFrom(BUDGET_STATUS)
                .where(BUDGET_STATUS.TEAM_ID.eq(teamId)).and(BUDGET_STATUS.ACCOUNT_TYPE.eq("user"))
                .orderBy(BUDGET_STATUS.ACCOUNT_ID)
                .fetch(r -> view(r, now));
    }

    private Optional<BudgetView> account(String type, String id) {
        return dsl.selectFrom(BUDGET_STATUS)
                .where(BUDGET_STATUS.ACCOUNT_TYPE.eq(type)).and(BUDGET_STATUS.ACCOUNT_ID.eq(id))
                .fetchOptional()
                .map(r -> view(r, clock.instant()));
    }

    static BudgetView view(BudgetStatusRecord r, Instant now) {
        Instant start = r.getPeriodStart();
        Instant end = r.getPeriodEnd();
        BigDecimal spent = r.getSpent();
        if (end != null && !now.isBefore(end)) {
            CurrentPeriod current = CurrentPeriod.containing(r.getBudgetPeriod(), now);
            start = current.start();
            end = current.end();
            spent = BigDecimal.ZERO;
        }
        BigDecimal remaining = r.getBudgetLimit() == null ? null
                : r.getBudgetLimit().subtract(spent).subtract(r.getReserved());
        return new BudgetView(r.getAccountType(), r.getAccountId(), r.getTeamId(),
                Amounts.format(r.getBudgetLimit()), r.getBudgetPeriod(), start, end, Amounts.format(spent),
                Amounts.format(r.getReserved()), Amounts.format(remaining),
                "user".equals(r.getAccountType()) ? r.getFollowsTeamDefault() : null, r.getUpdatedAt());
    }
}
