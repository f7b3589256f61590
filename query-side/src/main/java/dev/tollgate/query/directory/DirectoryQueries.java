package dev.tollgate.query.directory;

import dev.tollgate.query.budget.BudgetQueries;
import dev.tollgate.query.support.Amounts;
import dev.tollgate.query.support.Jsons;
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

import static dev.tollgate.readmodel.Tables.ADMIN_CREDENTIALS;
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
        return dsl.selectFrom(API_KEYS)
                .where(API_KEYS.SECRET_HASH.eq(secretHash))
                .fetchOptional(r -> new KeyRecord(r.getKeyId(), r.getTeamId(), r.getUserId(),
                        Set.of(r.getAllowedModels()), r.getExpiresAt(), r.getRevokedAt(), r.getRequestsPerMinute(),
                        r.getTokensPerMinute(), Jsons.stringMap(r.getDefaultTags())));
    }

    /** The administrative credential whose secret hashes to {@code secretHash}, revoked or not. */
    public Optional<CredentialRecord> credentialByHash(String secretHash) {
        return dsl.selectFrom(ADMIN_CREDENTIALS)
                .where(ADMIN_CREDENTIALS.SECRET_HASH.eq(secretHash))
                .fetchOptional(r -> new CredentialRecord(r.getCredentialId(), r.getRole(), Set.of(r.getTeams()),
                        r.getBudgetCap(), r.getRevokedAt()));
    }

    public Optional<CredentialView> credential(String credentialId) {
        return dsl.selectFrom(ADMIN_CREDENTIALS).where(ADMIN_CREDENTIALS.CREDENTIAL_ID.eq(credentialId))
                .fetchOptional(DirectoryQueries::credentialView);
    }

    public List<CredentialView> credentials() {
        return dsl.selectFrom(ADMIN_CREDENTIALS).orderBy(ADMIN_CREDENTIALS.CREATED_AT.desc())
                .fetch(DirectoryQueries::credentialView);
    }

    /** The users carrying {@code tag}, with their teams: a cohort. */
    /** The current members carrying the tag (removed members are no longer in any cohort). */
    public List<UserView> usersTagged(String tag) {
        return dsl.selectFrom(USERS).where(USERS.TAGS.contains(new String[]{tag})).and(USERS.REMOVED_AT.isNull())
                .orderBy(USERS.USER_ID)
                .limit(100_000).fetch().map(this::userView);
    }

    public boolean teamExists(String teamId) {
        return dsl.fetchExists(TEAMS, TEAMS.TEAM_ID.eq(teamId));
    }

    public Optional<TeamView> team(String teamId) {
        return dsl.selectFrom(TEAMS).where(TEAMS.TEAM_ID.eq(teamId)).fetchOptional().map(this::teamView);
    }

    public List<TeamView> teams(Condition scope) {
        return dsl.selectFrom(TEAMS).where(scope).orderBy(TEAMS.TEAM_ID).fetch().map(this::teamView);
    }

    public Optional<UserView> user(String userId) {
        return dsl.selectFrom(USERS).where(USERS.USER_ID.eq(userId)).fetchOptional().map(this::userView);
    }

    public List<UserView> users(String teamId, Condition scope) {
        Condition where = teamId == null ? scope : scope.and(USERS.TEAM_ID.eq(teamId));
        return dsl.selectFrom(USERS).where(where).orderBy(USERS.USER_ID).limit(10_000).fetch().map(this::userView);
    }

    public Optional<KeyView> key(String keyId) {
        return dsl.selectFrom(API_KEYS).where(API_KEYS.KEY_ID.eq(keyId)).fetchOptional().map(DirectoryQueries::keyView);
    }

    public List<KeyView> keys(String teamId, String userId, Condition scope) {
        Condition where = scope;
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
                r.getOwnBudget() ? setting(r.getBudgetLimit(), r.getBudgetPeriod()) : null,
                List.of(r.getTags()), r.getAutoRegistered(),
                budgets.user(r.getUserId()).orElse(null), r.getCreatedAt(), r.getUpdatedAt(), r.getRemovedAt(),
                r.getEmail(), r.getErasedAt());
    }

    private static KeyView keyView(ApiKeysRecord r) {
        return new KeyView(r.getKeyId(), r.getName(), r.getDisplayPrefix(), r.getTeamId(), r.getUserId(),
                List.of(r.getAllowedModels()), r.getExpiresAt(), r.getRequestsPerMinute(), r.getTokensPerMinute(),
                r.getBudgetPeriod() == null ? null : setting(r.getBudgetLimit(), r.getBudgetPeriod()),
                Jsons.stringMap(r.getMetadata()), Jsons.stringMap(r.getDefaultTags()), r.getCreatedAt(),
                r.getCreatedBy(), r.getRotatedAt(), r.getRevokedAt(), r.getRevokedBy(), r.getRevokeReason());
    }

    private static CredentialView credentialView(dev.tollgate.readmodel.tables.records.AdminCredentialsRecord r) {
        return new CredentialView(r.getCredentialId(), r.getName(), r.getDisplayPrefix(), r.getRole(),
                List.of(r.getTeams()), Amounts.format(r.getBudgetCap()), r.getCreatedAt(), r.getCreatedBy(),
                r.getUpdatedAt(), r.getRevokedAt(), r.getRevokedBy());
    }

    private static BudgetSetting setting(BigDecimal limit, String period) {
        return new BudgetSetting(Amounts.format(limit), period);
    }
}
