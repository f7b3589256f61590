package dev.tollgate.query.boost;

import dev.tollgate.query.support.Amounts;
import dev.tollgate.query.support.BadQuery;
import dev.tollgate.readmodel.tables.records.BoostsRecord;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Service;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static dev.tollgate.readmodel.Tables.BOOSTS;
import static dev.tollgate.readmodel.Tables.COHORT_BOOSTS;
import static dev.tollgate.readmodel.Tables.COHORT_BOOST_SKIPS;

/** Boosts from the {@code boosts} and {@code cohort_boosts} tables. */
@Service
public class BoostQueries {

    private final DSLContext dsl;
    private final Clock clock = Clock.systemUTC();

    public BoostQueries(DSLContext dsl) {
        this.dsl = dsl;
    }

    /**
     * @param target   {@code team:<id>} (the team's own boosts), {@code user:<id>} or {@code cohort:<id>}; or null
     * @param activeAt only boosts active at this instant; or null
     */
    public List<BoostView> boosts(String target, Instant activeAt, Condition scope) {
        Condition where = scope.and(targetCondition(target));
        if (activeAt != null) {
            where = where.and(BOOSTS.STARTS_AT.le(activeAt)).and(BOOSTS.ENDS_AT.gt(activeAt))
                    .and(BOOSTS.ENDED_AT.isNull().or(BOOSTS.ENDED_AT.gt(activeAt)));
        }
        Instant now = clock.instant();
        return dsl.selectFrom(BOOSTS).where(where).orderBy(BOOSTS.STARTS_AT.desc(), BOOSTS.BOOST_ID, BOOSTS.USER_ID)
                .limit(10_000).fetch(r -> view(r, now));
    }

    /** The boosts recorded under one id: one row for a team or user boost, one per member for a cohort boost. */
    public List<BoostView> boost(String boostId) {
        Instant now = clock.instant();
        return dsl.selectFrom(BOOSTS).where(BOOSTS.BOOST_ID.eq(boostId)).orderBy(BOOSTS.TEAM_ID, BOOSTS.USER_ID)
                .fetch(r -> view(r, now));
    }

    public Optional<CohortBoostView> cohort(String boostId) {
        return dsl.selectFrom(COHORT_BOOSTS).where(COHORT_BOOSTS.BOOST_ID.eq(boostId)).fetchOptional(r ->
                new CohortBoostView(r.getBoostId(), r.getSelector(), r.getMembers(), List.of(r.getTeams()),
                        Amounts.format(r.getAmount()), r.getStartsAt(), r.getEndsAt(), r.getReason(),
                        r.getGrantedBy(), r.getGrantedAt(), r.getRevokedAt(), r.getRevokedBy(), r.getRevokeReason(),
                        r.getDistributedAt(), r.getSkippedUnrecorded(), skipped(boostId), boost(boostId)));
    }

    private List<CohortBoostView.Skipped> skipped(String boostId) {
        return dsl.selectFrom(COHORT_BOOST_SKIPS).where(COHORT_BOOST_SKIPS.BOOST_ID.eq(boostId))
                .orderBy(COHORT_BOOST_SKIPS.TEAM_ID, COHORT_BOOST_SKIPS.USER_ID)
                .fetch(r -> new CohortBoostView.Skipped(r.getUserId(), r.getTeamId(), r.getReason()));
    }

    private static Condition targetCondition(String target) {
        if (target == null || target.isBlank()) {
            return DSL.noCondition();
        }
        int colon = target.indexOf(':');
        String kind = colon < 0 ? "" : target.substring(0, colon);
        String id = colon < 0 ? "" : target.substring(colon + 1);
        return switch (kind) {
            case "team" -> BOOSTS.TEAM_ID.eq(id).and(BOOSTS.USER_ID.eq(""));
            case "user" -> BOOSTS.USER_ID.eq(id);
            case "cohort" -> BOOSTS.COHORT_ID.eq(id);
            default -> throw new BadQuery("'target' is team:<id>, user:<id> or cohort:<id>, not '" + target + "'");
        };
    }

    static BoostView view(BoostsRecord r, Instant now) {
        String status;
        if ("revoked".equals(r.getEndKind())) {
            status = "revoked";
        } else if (!now.isBefore(r.getEndsAt())) {
            status = "ended";
        } else if (now.isBefore(r.getStartsAt())) {
            status = "scheduled";
        } else {
            status = "active";
        }
        return new BoostView(r.getBoostId(), r.getTeamId(), r.getUserId().isEmpty() ? null : r.getUserId(),
                r.getCohortId(), Amounts.format(r.getAmount()), r.getStartsAt(), r.getEndsAt(), r.getReason(),
                r.getGrantedBy(), r.getGrantedAt(), status, r.getEndedAt(), r.getEndedBy(), r.getEndReason());
    }
}
