package dev.tollgate.query.directory;

import dev.tollgate.query.budget.BudgetQueries;
import dev.tollgate.query.support.Amounts;
import dev.tollgate.readmodel.tables.records.ApiKeysRecord;
import dev.tollgate.readmodel.tables.records.TeamsRecord;
import dev.tollgate.readmodel.tables.records.UsersRecord;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Service;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static dev.tollgate.readmodel.Tables.API_KEYS;
import static dev.tollgate.readmodel.Tables.TEAMS;
import static dev.tollgate.readmodel.Tables.USERS;

/** Teams, users and keys from the directory tables. */
@Service
public class DirectoryQueries {

    private final DSLContext dsl;
    private final BudgetQueries budgets;

    public DirectoryQueries(DSLContext dsl, BudgetQueries budgets) {
        this.dsl = dsl;
        this.budgets = budgets;
    }

    /** The key whose secret hashes to {@code secretHash}, revoked or not. */
    public Optional<KeyRecord> keyByHash(String secretHash) {
        return dsl.select(API_KEYS.KEY_ID, API_KEYS.TEAM_ID, API_KEYS.USER_ID, API_KEYS.ALLOWED_MODELS,
                        API_KEYS.EXPIRES_AT, API_KEYS.REVOKED_AT)
                .from(API_KEYS)
                .where(API_KEYS.SECRET_HASH.eq(secretHash))
                .fetchOptional(r -> new KeyRecord(r.value1(), r.value2(), r.value3(), Set.of(r.value4()),
                        r.value5(), r.value6()));
    }

    public boolean teamExists(String teamId) {
        return dsl.fetchExists(TEAMS, TEAMS.TEAM_ID.eq(teamId));
    }

    public Optional<TeamView> team(String teamId) {
        return dsl.selectFrom(TEAMS).where(TEAMS.TEAM_ID.eq(teamId)).fetchOptional().map(this::teamView);
    }

    public List<TeamView> teams() {
        return dsl.selectFrom(TEAMS).orderBy(TEAMS.TEAM_ID).fetch().map(this::teamView);
    }

    public Optional<UserView> user(String userId) {
        return dsl.selectFrom(USERS).where(USERS.USER_ID.eq(userId)).fetchOptional().map(this::userView);
    }

    public List<UserView> users(String teamId) {
        Condition where = teamId == null ? DSL.noCondition() : USERS.TEAM_ID.eq(teamId);
        return dsl.selectFrom(USERS).where(where).orderBy(USERS.USER_ID).limit(10_000).fetch().map(this::userView);
    }

    public Optional<KeyView> key(String keyId) {
        return dsl.selectFrom(API_KEYS).where(API_KEYS.KEY_ID.eq(keyId)).fetchOptional().map(DirectoryQueries::keyView);
    }

    public List<KeyView> keys(String teamId, String userId) {
        Condition where = DSL.noCondition();
        if (teamId != null) {
            where = where.and(API_KEYS.TEAM_ID.eq(teamId));
        }
        if (userId != null) {
            where = where.and(API_KEYS.USER_ID.eq(userId));
        }
        return dsl.selectFrom(API_KEYS).where(where).orderBy(API_KEYS.CREATED_AT.desc()).limit(10_000).fetch()
                .map(DirectoryQueries::keyView);
    }

    private TeamView teamView(TeamsRecord r) {
        int members = dsl.fetchCount(USERS, USERS.TEAM_ID.eq(r.getTeamId()));
        return new TeamView(r.getTeamId(), r.getName(), setting(r.getBudgetLimit(), r.getBudgetPeriod()),
                setting(r.getMemberLimit(), r.getMemberPeriod()), r.getOverBudgetPolicy(), members,
                budgets.team(r.getTeamId()).orElse(null), r.getCreatedAt(), r.getUpdatedAt());
    }

    private UserView userView(UsersRecord r) {
        return new UserView(r.getUserId(), r.getTeamId(), r.getExternalId(), r.getName(),
                r.getOwnBudget() ? setting(r.getBudgetLimit(), r.getBudgetPeriod()) : null, r.getAutoRegistered(),
                budgets.user(r.getUserId()).orElse(null), r.getCreatedAt(), r.getUpdatedAt());
    }

    private static KeyView keyView(ApiKeysRecord r) {
        return new KeyView(r.getKeyId(), r.getName(), r.getDisplayPrefix(), r.getTeamId(), r.getUserId(),
                List.of(r.getAllowedModels()), r.getExpiresAt(), r.getCreatedAt(), r.getCreatedBy(), r.getRevokedAt(),
                r.getRevokedBy(), r.getRevokeReason());
    }

    private static BudgetSetting setting(BigDecimal limit, String period) {
        return new BudgetSetting(Amounts.format(limit), period);
    }
}
