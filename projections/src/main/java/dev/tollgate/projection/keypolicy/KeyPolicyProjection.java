package dev.tollgate.projection.keypolicy;

import dev.tollgate.api.keypolicy.KeyPolicySet;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;

import static dev.tollgate.readmodel.Tables.KEY_POLICIES;

/**
 * Teams' key policies as the portal checks them before it issues a member's key. In the subscribing "access" group
 * (like keys and credentials): the row is written in the transaction of the event, so a policy an admin set is the
 * one the next key is checked against.
 */
@Component
@ProcessingGroup("access")
public class KeyPolicyProjection {

    private final DSLContext dsl;

    public KeyPolicyProjection(DSLContext dsl) {
        this.dsl = dsl;
    }

    @EventHandler
    public void on(KeyPolicySet event) {
        dsl.insertInto(KEY_POLICIES)
                .set(KEY_POLICIES.TEAM_ID, event.teamId())
                .set(KEY_POLICIES.MAX_KEYS, event.maxKeys())
                .set(KEY_POLICIES.MAX_EXPIRY_DAYS, event.maxExpiryDays())
                .set(KEY_POLICIES.ALLOWED_MODELS, event.allowedModels().toArray(String[]::new))
                .set(KEY_POLICIES.REQUESTS_PER_MINUTE, event.requestsPerMinute())
                .set(KEY_POLICIES.TOKENS_PER_MINUTE, event.tokensPerMinute())
                .set(KEY_POLICIES.SET_BY, event.actor())
                .set(KEY_POLICIES.SET_AT, event.at())
                .set(KEY_POLICIES.REASON, event.reason())
                .onConflict(KEY_POLICIES.TEAM_ID).doUpdate()
                .set(KEY_POLICIES.MAX_KEYS, event.maxKeys())
                .set(KEY_POLICIES.MAX_EXPIRY_DAYS, event.maxExpiryDays())
                .set(KEY_POLICIES.ALLOWED_MODELS, event.allowedModels().toArray(String[]::new))
                .set(KEY_POLICIES.REQUESTS_PER_MINUTE, event.requestsPerMinute())
                .set(KEY_POLICIES.TOKENS_PER_MINUTE, event.tokensPerMinute())
                .set(KEY_POLICIES.SET_BY, event.actor())
                .set(KEY_POLICIES.SET_AT, event.at())
                .set(KEY_POLICIES.REASON, event.reason())
                .execute();
    }
}
