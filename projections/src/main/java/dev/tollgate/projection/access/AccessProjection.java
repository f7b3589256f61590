package dev.tollgate.projection.access;

import dev.tollgate.api.access.CredentialIssued;
import dev.tollgate.api.access.CredentialRevoked;
import dev.tollgate.api.access.CredentialScopeChanged;
import dev.tollgate.api.key.KeyIssued;
import dev.tollgate.api.move.KeyMoved;
import dev.tollgate.api.privacy.PersonalDataErased;
import dev.tollgate.api.key.KeyRevoked;
import dev.tollgate.api.key.KeyRotated;
import dev.tollgate.projection.support.Json;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;

import static dev.tollgate.projection.support.Columns.amount;
import static dev.tollgate.readmodel.Tables.ADMIN_CREDENTIALS;
import static dev.tollgate.readmodel.Tables.API_KEYS;

/**
 * API keys and administrative credentials as the edge looks them up on every request: who a secret belongs to,
 * what it may do, whether it is revoked.
 * <p>
 * A security decision must never wait for a projection that can lag or stall, so this group is a subscribing
 * processor ({@code axon.eventhandling.processors.access.mode: subscribing}): its rows are written in the same
 * transaction as the event that issues, rotates or revokes a key or credential. When the command has committed,
 * the row has too; a row that cannot be written fails the command instead of stalling a processor.
 */
@Component
@ProcessingGroup(AccessProjection.PROCESSING_GROUP)
public class AccessProjection {

    public static final String PROCESSING_GROUP = "access";

    private final DSLContext dsl;

    public AccessProjection(DSLContext dsl) {
        this.dsl = dsl;
    }

    @EventHandler
    public void on(KeyIssued event) {
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

    /** A key followed its owner to their new team, without the budget of its own the old team gave it. */
    @EventHandler
    public void on(KeyMoved event) {
        dsl.update(API_KEYS)
                .set(API_KEYS.TEAM_ID, event.toTeamId())
                .setNull(API_KEYS.BUDGET_LIMIT)
                .setNull(API_KEYS.BUDGET_PERIOD)
                .where(API_KEYS.KEY_ID.eq(event.keyId()))
                .execute();
    }

    /** The names and metadata of an erased person's keys are theirs: they go with them. */
    @EventHandler
    public void on(PersonalDataErased event) {
        dsl.update(API_KEYS)
                .setNull(API_KEYS.NAME)
                .set(API_KEYS.METADATA, Json.of(java.util.Map.of()))
                .where(API_KEYS.USER_ID.eq(event.userId()))
                .execute();
    }

    @EventHandler
    public void on(KeyRotated event) {
        dsl.update(API_KEYS)
                .set(API_KEYS.SECRET_HASH, event.secretHash())
                .set(API_KEYS.DISPLAY_PREFIX, event.displayPrefix())
                .set(API_KEYS.ROTATED_AT, event.at())
                .where(API_KEYS.KEY_ID.eq(event.keyId()))
                .execute();
    }

    @EventHandler
    public void on(CredentialIssued event) {
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
    public void on(CredentialScopeChanged event) {
        dsl.update(ADMIN_CREDENTIALS)
                .set(ADMIN_CREDENTIALS.ROLE, event.role().wireName())
                .set(ADMIN_CREDENTIALS.TEAMS, event.teams().stream().sorted().toArray(String[]::new))
                .set(ADMIN_CREDENTIALS.BUDGET_CAP, amount(event.budgetCap()))
                .set(ADMIN_CREDENTIALS.UPDATED_AT, event.at())
                .where(ADMIN_CREDENTIALS.CREDENTIAL_ID.eq(event.credentialId()))
                .execute();
    }

    @EventHandler
    public void on(CredentialRevoked event) {
        dsl.update(ADMIN_CREDENTIALS)
                .set(ADMIN_CREDENTIALS.REVOKED_AT, event.at())
                .set(ADMIN_CREDENTIALS.REVOKED_BY, event.actor())
                .set(ADMIN_CREDENTIALS.UPDATED_AT, event.at())
                .where(ADMIN_CREDENTIALS.CREDENTIAL_ID.eq(event.credentialId()))
                .and(ADMIN_CREDENTIALS.REVOKED_AT.isNull())
                .execute();
    }

    @EventHandler
    public void on(KeyRevoked event) {
        dsl.update(API_KEYS)
                .set(API_KEYS.REVOKED_AT, event.at())
                .set(API_KEYS.REVOKED_BY, event.actor())
                .set(API_KEYS.REVOKE_REASON, event.reason())
                .where(API_KEYS.KEY_ID.eq(event.keyId()))
                .and(API_KEYS.REVOKED_AT.isNull())
                .execute();
    }
}
