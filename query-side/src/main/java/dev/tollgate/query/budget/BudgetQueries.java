package dev.tollgate.query.budget;

import dev.tollgate.query.support.Amounts;
import dev.tollgate.readmodel.tables.records.BudgetStatusRecord;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.tollgate.readmodel.Tables.BOOSTS;
import static dev.tollgate.readmodel.Tables.BUDGET_STATUS;
import static dev.tollgate.readmodel.Tables.SPEND_DAILY_TEAM;
import static dev.tollgate.readmodel.Tables.SPEND_DAILY_USER;

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

    public Optional<BudgetView> key(String keyId) {
        return account("key", keyId);
    }

    /**
     * The limited team budgets with the least remaining first, at most {@code max} of them (for the remaining-budget
     * gauges). Two queries whatever the number of teams.
     */
    public List<BudgetView> teamsLeastRemaining(int max) {
        Instant now = clock.instant();
        Map<String, BigDecimal> boosts = dsl.select(BOOSTS.TEAM_ID, DSL.sum(BOOSTS.AMOUNT)).from(BOOSTS)
                .where(BOOSTS.USER_ID.eq(""))
                .and(BOOSTS.STARTS_AT.le(now))
                .and(BOOSTS.ENDS_AT.gt(now))
                .and(BOOSTS.ENDED_AT.isNull().or(BOOSTS.ENDED_AT.gt(now)))
                .groupBy(BOOSTS.TEAM_ID)
                .fetchMap(BOOSTS.TEAM_ID, DSL.sum(BOOSTS.AMOUNT));
        return dsl.selectFrom(BUDGET_STATUS)
                .where(BUDGET_STATUS.ACCOUNT_TYPE.eq("team")).and(BUDGET_STATUS.BUDGET_LIMIT.isNotNull())
                .fetch().stream()
                .map(r -> view(r, now, boosts.getOrDefault(r.getTeamId(), BigDecimal.ZERO), null))
                .sorted(Comparator.comparing(v -> new BigDecimal(v.remaining())))
                .limit(max)
                .toList();
    }

    private Optional<BudgetView> account(String type, String id) {
        Instant now = clock.instant();
        return dsl.selectFrom(BUDGET_STATUS)
                .where(BUDGET_STATUS.ACCOUNT_TYPE.eq(type)).and(BUDGET_STATUS.ACCOUNT_ID.eq(id))
                .fetchOptional()
                .map(r -> view(r, now, activeBoosts(r, now), this::windowSpend));
    }

    /** Spend of an account on the days from {@code windowStart} (a day's start) to today, from the daily rollups. */
    private BigDecimal windowSpend(BudgetStatusRecord account, Instant windowStart) {
        java.time.LocalDate from = java.time.LocalDate.ofInstant(windowStart, java.time.ZoneOffset.UTC);
        BigDecimal sum = switch (account.getAccountType()) {
            case "team" -> dsl.select(DSL.sum(SPEND_DAILY_TEAM.COST.plus(SPEND_DAILY_TEAM.ADJUSTMENTS)))
                    .from(SPEND_DAILY_TEAM)
                    .where(SPEND_DAILY_TEAM.TEAM_ID.eq(account.getAccountId())).and(SPEND_DAILY_TEAM.DAY.ge(from))
                    .fetchOne(0, BigDecimal.class);
            case "user" -> dsl.select(DSL.sum(SPEND_DAILY_USER.COST.plus(SPEND_DAILY_USER.ADJUSTMENTS)))
                    .from(SPEND_DAILY_USER)
                    .where(SPEND_DAILY_USER.USER_ID.eq(account.getAccountId())).and(SPEND_DAILY_USER.DAY.ge(from))
                    .fetchOne(0, BigDecimal.class);
            default -> null;
        };
        return sum == null ? BigDecimal.ZERO : sum;
    }

    /** Where the window's spend of an account comes from. */
    interface WindowSpend {
        BigDecimal of(BudgetStatusRecord account, Instant windowStart);
    }

    /** The forecast of each team's budget (for the spend report), team by team. */
    public Map<String, Forecast> teamForecasts(java.util.Collection<String> teamIds) {
        Map<String, Forecast> forecasts = new java.util.LinkedHashMap<>();
        for (String teamId : teamIds) {
            team(teamId).ifPresent(view -> {
                if (view.forecast() != null) {
                    forecasts.put(teamId, view.forecast());
                }
            });
        }
        return forecasts;
    }

    /** The boosts on the account active at {@code now}: a revoked one stops counting when it was revoked. */
    private BigDecimal activeBoosts(BudgetStatusRecord account, Instant now) {
        if (account.getAccountType().equals("key")) {
            return BigDecimal.ZERO;
        }
        String userId = account.getAccountType().equals("team") ? "" : account.getAccountId();
        BigDecimal sum = dsl.select(DSL.sum(BOOSTS.AMOUNT)).from(BOOSTS)
                .where(BOOSTS.TEAM_ID.eq(account.getTeamId()))
                .and(BOOSTS.USER_ID.eq(userId))
                .and(BOOSTS.STARTS_AT.le(now))
                .and(BOOSTS.ENDS_AT.gt(now))
                .and(BOOSTS.ENDED_AT.isNull().or(BOOSTS.ENDED_AT.gt(now)))
                .fetchOne(0, BigDecimal.class);
        return sum == null ? BigDecimal.ZERO : sum;
    }

    static BudgetView view(BudgetStatusRecord r, Instant now, BigDecimal boosts, WindowSpend windowSpend) {
        Instant start = r.getPeriodStart();
        Instant end = r.getPeriodEnd();
        BigDecimal spent = r.getSpent();
        BigDecimal overrun = r.getOverrun();
        if (end != null && !now.isBefore(end)) {
            CurrentPeriod current = CurrentPeriod.containing(r.getBudgetPeriod(), now);
            start = current.start();
            end = current.end();
            spent = BigDecimal.ZERO;
            overrun = BigDecimal.ZERO;
        }
        BigDecimal effective = r.getBudgetLimit() == null ? null : r.getBudgetLimit().add(boosts);
        BigDecimal remaining = effective == null ? null : effective.subtract(spent).subtract(r.getReserved());
        Forecast forecast = null;
        if (windowSpend != null && !"key".equals(r.getAccountType())) {
            Instant windowStart = Forecast.windowStart("none".equals(r.getBudgetPeriod()) ? null : start, now);
            forecast = Forecast.of(windowSpend.of(r, windowStart), windowStart, now, effective, spent,
                    r.getReserved(), end);
        }
        return new BudgetView(r.getAccountType(), r.getAccountId(), r.getTeamId(),
                Amounts.format(r.getBudgetLimit()), Amounts.format(boosts), Amounts.format(effective),
                r.getBudgetPeriod(), start, end, Amounts.format(spent), Amounts.format(r.getReserved()),
                Amounts.format(overrun), Amounts.format(remaining), "user".equals(r.getAccountType()) ? r.getFollowsTeamDefault() : null,
                r.getUpdatedAt(), forecast);
    }
}
