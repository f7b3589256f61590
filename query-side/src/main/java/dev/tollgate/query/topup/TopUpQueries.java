package dev.tollgate.query.topup;

import dev.tollgate.query.support.Amounts;
import dev.tollgate.readmodel.tables.records.TopUpsRecord;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Service;

import java.util.List;
import java.util.Optional;

import static dev.tollgate.readmodel.Tables.TOP_UPS;

/** Top-ups of lifetime allowances, from the {@code top_ups} table. */
@Service
public class TopUpQueries {

    private final DSLContext dsl;

    public TopUpQueries(DSLContext dsl) {
        this.dsl = dsl;
    }

    public Optional<TopUpView> topUp(String topUpId) {
        return dsl.selectFrom(TOP_UPS).where(TOP_UPS.TOPUP_ID.eq(topUpId)).fetchOptional().map(TopUpQueries::view);
    }

    /**
     * The top-up {@code topUpId} of one account ({@code userId == null}: the team's own allowance): a team decides
     * its own top-ups' ids, so another team may have used the same id.
     */
    public Optional<TopUpView> topUp(String topUpId, String teamId, String userId) {
        return dsl.selectFrom(TOP_UPS).where(TOP_UPS.TOPUP_ID.eq(topUpId)).and(TOP_UPS.TEAM_ID.eq(teamId))
                .and(TOP_UPS.USER_ID.eq(userId == null ? "" : userId)).fetchOptional().map(TopUpQueries::view);
    }

    /** The top-ups of a team (its own and its members'), or of every team when {@code teamId} is null; newest first. */
    public List<TopUpView> topUps(String teamId, Condition scope, int limit) {
        Condition where = teamId == null ? DSL.noCondition() : TOP_UPS.TEAM_ID.eq(teamId);
        return dsl.selectFrom(TOP_UPS).where(where.and(scope)).orderBy(TOP_UPS.AT.desc(), TOP_UPS.TOPUP_ID)
                .limit(limit).fetch(TopUpQueries::view);
    }

    private static TopUpView view(TopUpsRecord row) {
        return new TopUpView(row.getTopupId(), row.getTeamId(), row.getUserId().isEmpty() ? null : row.getUserId(),
                Amounts.format(row.getAmount()), Amounts.format(row.getLimitAfter()), row.getActor(), row.getReason(),
                row.getAt());
    }
}
