package dev.tollgate.projection.directory;

import dev.tollgate.api.access.CredentialIssued;
import dev.tollgate.api.access.CredentialRevoked;
import dev.tollgate.api.access.CredentialScopeChanged;
import dev.tollgate.api.key.KeyIssued;
import dev.tollgate.api.key.KeyRotated;
import dev.tollgate.api.team.KeyBudgetSet;
import dev.tollgate.api.team.UserTagsSet;
import dev.tollgate.projection.support.Json;
import dev.tollgate.api.key.KeyRevoked;
import dev.tollgate.api.team.TeamBudgetSet;
import dev.tollgate.api.team.TeamCreated;
import dev.tollgate.api.team.UserBudgetSet;
import dev.tollgate.api.team.UserRegistered;
import dev.tollgate.api.team.UserRemoved;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;

import static dev.tollgate.projection.support.Columns.amount;
import static dev.tollgate.readmodel.Tables.ADMIN_CREDENTIALS;
import static dev.tollgate.readmodel.Tables.API_KEYS;
import static dev.tollgate.readmodel.Tables.TEAMS;
import static dev.tollgate.readmodel.Tables.USERS;

/** Teams, their members, API keys and administrative credentials, as admins and the edge's lookups see them. */
@Component
@ProcessingGroup(DirectoryProjection.PROCESSING_GROUP)
public class DirectoryProjection {

    public static final String PROCESSING_GROUP = "directory";

    private final DSLContext dsl;

    public DirectoryProjection(DSLContext dsl) {
        this.dsl = dsl;
    }

    @EventHandler
    void on(TeamCreated event) {
        dsl.insertInto(TEAMS)
                .set(TEAMS.TEAM_ID, event.teamId())
                .set(TEAMS.NAME, event.name() == null ? event.teamId() : event.name())
                .set(TEAMS.BUDGET_LIMIT, amount(event.budget().limit()))
                .set(TEAMS.BUDGET_PERIOD, event.budget().period().wireName())
                .set(TEAMS.MEMBER_LIMIT, amount(event.memberBudget().limit()))
                .set(TEAMS.MEMBER_PERIOD, event.memberBudget().period().wireName())
                .set(TEAMS.OVER_BUDGET_POLICY, event.policy().wireName())
                .set(TEAMS.CREATED_AT, event.at())
                .set(TEAMS.UPDATED_AT, event.at())
                .onConflictDoNothing()
                .execute();
    }

    @EventHandler
    void on(TeamBudgetSet event) {
        dsl.update(TEAMS)
                .set(TEAMS.BUDGET_LIMIT, amount(event.budget().limit()))
                .set(TEAMS.BUDGET_PERIOD, event.budget().period().wireName())
                .set(TEAMS.MEMBER_LIMIT, amount(event.memberBudget().limit()))
                .set(TEAMS.MEMBER_PERIOD, event.memberBudget().period().wireName())
                .set(TEAMS.OVER_BUDGET_POLICY, event.policy().wireName())
                .set(TEAMS.UPDATED_AT, event.at())
                .where(TEAMS.TEAM_ID.eq(event.teamId()))
                .execute();
    }

    @EventHandler
    void on(UserRegistered event) {
        dsl.insertInto(USERS)
                .set(USERS.USER_ID, event.userId())
                .set(USERS.TEAM_ID, event.teamId())
                .set(USERS.EXTERNAL_ID, event.externalId())
                .set(USERS.NAME, event.name())
                .set(USERS.BUDGET_LIMIT, event.budget() == null ? null : amount(event.budget().limit()))
                .set(USERS.BUDGET_PERIOD, event.budget() == null ? null : event.budget().period().wireName())
                .set(USERS.OWN_BUDGET, event.budget() != null)
                .set(USERS.AUTO_REGISTERED, event.autoRegistered())
                .set(USERS.TAGS, event.tags().stream().sorted().toArray(String[]::new))
                .set(USERS.CREATED_AT, event.at())
                .set(USERS.UPDATED_AT, event.at())
                // a removed member registered again is re-admitted: same row, no longer removed
                .onConflict(USERS.USER_ID).doUpdate()
                .set(USERS.NAME, event.name())
                .set(USERS.BUDGET_LIMIT, event.budget() == null ? null : amount(event.budget().limit()))
                .set(USERS.BUDGET_PERIOD, event.budget() == null ? null : event.budget().period().wireName())
                .set(USERS.OWN_BUDGET, event.budget() != null)
                .set(USERS.TAGS, event.tags().stream().sorted().toArray(String[]::new))
                .setNull(USERS.REMOVED_AT)
                .set(USERS.UPDATED_AT, event.at())
                .execute();
    }

    @EventHandler
    void on(UserRemoved event) {
        dsl.update(USERS)
                .set(USERS.REMOVED_AT, event.at())
                .set(USERS.UPDATED_AT, event.at())
                .where(USERS.USER_ID.eq(event.userId()))
                .execute();
    }

    @EventHandler
    void on(UserBudgetSet event) {
        dsl.update(USERS)
                .set(USERS.BUDGET_LIMIT, event.budget() == null ? null : amount(event.budget().limit()))
                .set(USERS.BUDGET_PERIOD, event.budget() == null ? null : event.budget().period().wireName())
                .set(USERS.OWN_BUDGET, event.budget() != null)
                .set(USERS.UPDATED_AT, event.at())
                .where(USERS.USER_ID.eq(event.userId()))
                .execute();
    }

    @EventHandler
    void on(UserTagsSet event) {
        dsl.update(USERS)
                .set(USERS.TAGS, event.tags().stream().sorted().toArray(String[]::new))
                .set(USERS.UPDATED_AT, event.at())
                .where(USERS.USER_ID.eq(event.userId()))
                .execute();
    }

    @EventHandler
    void on(KeyIssued event) {
        dsl.insertInto(API_KEYS)
                .set(API_KEYS.KEY_ID, event.keyId())
                .set(API_KEYS.SECRET_HASH, event.secretHash())
                .set(API_KEYS.DISPLAY_PREFIX, event.displayPrefix())
                .set(API_KEYS.NAME, event.name())
                .set(API_KEYS.TEAM_ID, event.teamId())
                .set(API_KEYS.USER_ID, event.userId())
                .set(API_KEYS.ALLOWED_MODELS, event.allowedModels().toArray(String[]::new))
                .set(API_KEYS.EXPIRES_AT, event.expiresAt())
                .set(API_KEYS.CREATED_AT, event.at())
                .set(API_KEYS.CREATED_BY, event.actor())
                .set(API_KEYS.REQUESTS_PER_MINUTE, event.limits().requestsPerMinute())
                .set(API_KEYS.TOKENS_PER_MINUTE, event.limits().tokensPerMinute())
                .set(API_KEYS.METADATA, Json.of(event.metadata()))
                .set(API_KEYS.DEFAULT_TAGS, Json.of(event.defaultTags()))
                .onConflictDoNothing()
                .execute();
    }

    @EventHandler
    void on(KeyRotated event) {
        dsl.update(API_KEYS)
                .set(API_KEYS.SECRET_HASH, event.secretHash())
                .set(API_KEYS.DISPLAY_PREFIX, event.displayPrefix())
                .set(API_KEYS.ROTATED_AT, event.at())
                .where(API_KEYS.KEY_ID.eq(event.keyId()))
                .execute();
    }

    @EventHandler
    void on(KeyBudgetSet event) {
        dsl.update(API_KEYS)
                .set(API_KEYS.BUDGET_LIMIT, event.budget() == null ? null : amount(event.budget().limit()))
                .set(API_KEYS.BUDGET_PERIOD, event.budget() == null ? null : event.budget().period().wireName())
                .where(API_KEYS.KEY_ID.eq(event.keyId()))
                .execute();
    }

    @EventHandler
    void on(CredentialIssued event) {
        dsl.insertInto(ADMIN_CREDENTIALS)
                .set(ADMIN_CREDENTIALS.CREDENTIAL_ID, event.credentialId())
                .set(ADMIN_CREDENTIALS.SECRET_HASH, event.secretHash())
                .set(ADMIN_CREDENTIALS.DISPLAY_PREFIX, event.displayPrefix())
                .set(ADMIN_CREDENTIALS.NAME, event.name())
                .set(ADMIN_CREDENTIALS.ROLE, event.role().wireName())
                .set(ADMIN_CREDENTIALS.TEAMS, event.teams().stream().sorted().toArray(String[]::new))
                .set(ADMIN_CREDENTIALS.BUDGET_CAP, amount(event.budgetCap()))
                .set(ADMIN_CREDENTIALS.CREATED_AT, event.at())
                .set(ADMIN_CREDENTIALS.CREATED_BY, event.actor())
                .set(ADMIN_CREDENTIALS.UPDATED_AT, event.at())
                .onConflictDoNothing()
                .execute();
    }

    @EventHandler
    void on(CredentialScopeChanged event) {
        dsl.update(ADMIN_CREDENTIALS)
                .set(ADMIN_CREDENTIALS.ROLE, event.role().wireName())
                .set(ADMIN_CREDENTIALS.TEAMS, event.teams().stream().sorted().toArray(String[]::new))
                .set(ADMIN_CREDENTIALS.BUDGET_CAP, amount(event.budgetCap()))
                .set(ADMIN_CREDENTIALS.UPDATED_AT, event.at())
                .where(ADMIN_CREDENTIALS.CREDENTIAL_ID.eq(event.credentialId()))
                .execute();
    }

    @EventHandler
    void on(CredentialRevoked event) {
        dsl.update(ADMIN_CREDENTIALS)
                .set(ADMIN_CREDENTIALS.REVOKED_AT, event.at())
                .set(ADMIN_CREDENTIALS.REVOKED_BY, event.actor())
                .set(ADMIN_CREDENTIALS.UPDATED_AT, event.at())
                .where(ADMIN_CREDENTIALS.CREDENTIAL_ID.eq(event.credentialId()))
                .and(ADMIN_CREDENTIALS.REVOKED_AT.isNull())
                .execute();
    }

    @EventHandler
    void on(KeyRevoked event) {
        dsl.update(API_KEYS)
                .set(API_KEYS.REVOKED_AT, event.at())
                .set(API_KEYS.REVOKED_BY, event.actor())
                .set(API_KEYS.REVOKE_REASON, event.reason())
                .where(API_KEYS.KEY_ID.eq(event.keyId()))
                .and(API_KEYS.REVOKED_AT.isNull())
                .execute();
    }

    @ResetHandler
    void reset() {
        dsl.deleteFrom(ADMIN_CREDENTIALS).execute();
        dsl.deleteFrom(API_KEYS).execute();
        dsl.deleteFrom(USERS).execute();
        dsl.deleteFrom(TEAMS).execute();
    }
}
