package dev.tollgate.projection.audit;

import dev.tollgate.api.access.CredentialIssued;
import dev.tollgate.api.access.CredentialRevoked;
import dev.tollgate.api.access.CredentialScopeChanged;
import dev.tollgate.api.alert.ThresholdRemoved;
import dev.tollgate.api.alert.ThresholdSet;
import dev.tollgate.api.alert.WebhookEndpointRegistered;
import dev.tollgate.api.alert.WebhookEndpointRemoved;
import dev.tollgate.api.boost.BoostExpired;
import dev.tollgate.api.boost.BoostGranted;
import dev.tollgate.api.boost.BoostRevoked;
import dev.tollgate.api.boost.CohortBoostDistributed;
import dev.tollgate.api.boost.CohortBoostDistributedWithoutRecord;
import dev.tollgate.api.boost.CohortBoostGranted;
import dev.tollgate.api.boost.CohortBoostRevoked;
import dev.tollgate.api.identity.IdentityLinked;
import dev.tollgate.api.key.KeyIssued;
import dev.tollgate.api.keypolicy.KeyPolicySet;
import dev.tollgate.api.key.KeyRevoked;
import dev.tollgate.api.key.KeyRotated;
import dev.tollgate.api.price.PricesPublished;
import dev.tollgate.api.team.KeyBudgetSet;
import dev.tollgate.api.team.TeamBudgetSet;
import dev.tollgate.api.team.TeamCreated;
import dev.tollgate.api.team.UserBudgetSet;
import dev.tollgate.api.recalculation.RecalculationApproved;
import dev.tollgate.api.recalculation.RecalculationStarted;
import dev.tollgate.api.recalculation.RecalculationSuperseded;
import dev.tollgate.api.move.KeyMoved;
import dev.tollgate.api.move.UserMoveAwaitingReservations;
import dev.tollgate.api.move.UserMoveCancelled;
import dev.tollgate.api.move.UserMoveStarted;
import dev.tollgate.api.move.UserMovedIn;
import dev.tollgate.api.move.UserMovedOut;
import dev.tollgate.api.privacy.PersonalDataErased;
import dev.tollgate.api.team.UserRegistered;
import dev.tollgate.api.topup.BudgetToppedUp;
import dev.tollgate.api.priceproposal.PriceProposalApproved;
import dev.tollgate.api.priceproposal.PriceProposalRejected;
import dev.tollgate.api.priceproposal.PricesProposed;
import dev.tollgate.api.team.UserRemoved;
import dev.tollgate.api.team.UserTagsSet;
import dev.tollgate.projection.support.Json;
import dev.tollgate.projection.support.SavepointPerEvent;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.messaging.annotation.MessageIdentifier;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.tollgate.readmodel.Tables.AUDIT_LOG;

/**
 * The audit trail: one row per administrative event — budgets, boosts, keys, prices, membership, roles — with who
 * did it, when and why, and the event's own fields (never a secret's hash). Spend is not here: it is in
 * {@code message_costs}. No route writes this table; replaying the group rebuilds it from the events.
 */
@Component
@SavepointPerEvent
@ProcessingGroup(AuditProjection.PROCESSING_GROUP)
public class AuditProjection {

    public static final String PROCESSING_GROUP = "audit";

    private final DSLContext dsl;

    public AuditProjection(DSLContext dsl) {
        this.dsl = dsl;
    }

    @EventHandler
    void on(TeamCreated e, @MessageIdentifier String id) {
        record(id, e.at(), e.actor(), "team.created", "team", e.teamId(), e.teamId(), e.reason(), e);
    }

    @EventHandler
    void on(TeamBudgetSet e, @MessageIdentifier String id) {
        record(id, e.at(), e.actor(), "team.budget_set", "team", e.teamId(), e.teamId(), e.reason(), e);
    }

    @EventHandler
    void on(ThresholdSet e, @MessageIdentifier String id) {
        record(id, e.at(), e.actor(), "threshold.set", "threshold", e.teamId() + "/" + e.thresholdId(), e.teamId(),
                e.reason(), e);
    }

    @EventHandler
    void on(ThresholdRemoved e, @MessageIdentifier String id) {
        record(id, e.at(), e.actor(), "threshold.removed", "threshold", e.teamId() + "/" + e.thresholdId(),
                e.teamId(), e.reason(), e);
    }

    @EventHandler
    void on(WebhookEndpointRegistered e, @MessageIdentifier String id) {
        record(id, e.at(), e.actor(), "webhook.registered", "webhook", e.endpointId(), null, e.reason(), e);
    }

    @EventHandler
    void on(WebhookEndpointRemoved e, @MessageIdentifier String id) {
        record(id, e.at(), e.actor(), "webhook.removed", "webhook", e.endpointId(), null, e.reason(), e);
    }

    @EventHandler
    void on(UserRegistered e, @MessageIdentifier String id) {
        record(id, e.at(), e.actor(), "user.registered", "user", e.userId(), e.teamId(), null, e);
    }

    @EventHandler
    void on(UserBudgetSet e, @MessageIdentifier String id) {
        record(id, e.at(), e.actor(), "user.budget_set", "user", e.userId(), e.teamId(), e.reason(), e);
    }

    @EventHandler
    void on(BudgetToppedUp e, @MessageIdentifier String id) {
        if (e.userId() == null) {
            record(id, e.at(), e.actor(), "team.topped_up", "team", e.teamId(), e.teamId(), e.reason(), e);
        } else {
            record(id, e.at(), e.actor(), "user.topped_up", "user", e.userId(), e.teamId(), e.reason(), e);
        }
    }

    @EventHandler
    void on(UserRemoved e, @MessageIdentifier String id) {
        record(id, e.at(), e.actor(), "user.removed", "user", e.userId(), e.teamId(), e.reason(), e);
    }

    @EventHandler
    void on(UserTagsSet e, @MessageIdentifier String id) {
        record(id, e.at(), e.actor(), "user.tags_set", "user", e.userId(), e.teamId(), e.reason(), e);
    }

    /** A first sign-in with the identity provider: which issuer, and the claims that chose the team and tags. */
    @EventHandler
    void on(IdentityLinked e, @MessageIdentifier String id) {
        record(id, e.at(), e.actor(), "user.identity_linked", "user", e.userId(), e.teamId(), null, e);
    }

    @EventHandler
    void on(KeyPolicySet e, @MessageIdentifier String id) {
        record(id, e.at(), e.actor(), "team.key_policy_set", "team", e.teamId(), e.teamId(), e.reason(), e);
    }

    @EventHandler
    void on(KeyIssued e, @MessageIdentifier String id) {
        record(id, e.at(), e.actor(), "key.issued", "key", e.keyId(), e.teamId(), null, e);
    }

    @EventHandler
    void on(KeyRotated e, @MessageIdentifier String id) {
        record(id, e.at(), e.actor(), "key.rotated", "key", e.keyId(), e.teamId(), e.reason(), e);
    }

    @EventHandler
    void on(KeyRevoked e, @MessageIdentifier String id) {
        record(id, e.at(), e.actor(), "key.revoked", "key", e.keyId(), e.teamId(), e.reason(), e);
    }

    @EventHandler
    void on(KeyBudgetSet e, @MessageIdentifier String id) {
        record(id, e.at(), e.actor(), "key.budget_set", "key", e.keyId(), e.teamId(), e.reason(), e);
    }

    @EventHandler
    void on(BoostGranted e, @MessageIdentifier String id) {
        record(id, e.at(), e.actor(), "boost.granted", "boost", e.boostId(), e.teamId(), e.reason(), e);
    }

    @EventHandler
    void on(BoostRevoked e, @MessageIdentifier String id) {
        record(id, e.at(), e.actor(), "boost.revoked", "boost", e.boostId(), e.teamId(), e.reason(), e);
    }

    @EventHandler
    void on(BoostExpired e, @MessageIdentifier String id) {
        record(id, e.at(), "system", "boost.expired", "boost", e.boostId(), e.teamId(), null, e);
    }

    @EventHandler
    void on(CohortBoostGranted e, @MessageIdentifier String id) {
        record(id, e.at(), e.actor(), "cohort_boost.granted", "boost", e.boostId(), null, e.reason(), e);
    }

    @EventHandler
    void on(CohortBoostDistributed e, @MessageIdentifier String id) {
        record(id, e.at(), "system", "cohort_boost.distributed", "boost", e.boostId(), null, null, e);
    }

    /**
     * The same action as a recorded distribution: the distributor had been through the cohort (before 2026-12-07)
     * without recording it. Its details say that who was skipped was not recorded ({@code skippedUnrecorded}), where a
     * recorded distribution lists them ({@code skipped}).
     */
    @EventHandler
    void on(CohortBoostDistributedWithoutRecord e, @MessageIdentifier String id) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("boostId", e.boostId());
        details.put("skippedUnrecorded", true);
        details.put("at", e.at());
        record(id, e.at(), "system", "cohort_boost.distributed", "boost", e.boostId(), null, null, details);
    }

    // CohortBoostGrantRepeated has no entry: it is a client's retry of a grant (the distributor confirms it has been
    // through the cohort), not a decision; the decision is the cohort_boost.granted entry.

    @EventHandler
    void on(CohortBoostRevoked e, @MessageIdentifier String id) {
        record(id, e.at(), e.actor(), "cohort_boost.revoked", "boost", e.boostId(), null, e.reason(), e);
    }

    @EventHandler
    void on(PricesPublished e, @MessageIdentifier String id) {
        record(id, e.at(), e.actor(), "prices.published", "price_book", e.label(), null, e.reason(), e);
    }

    @EventHandler
    void on(CredentialIssued e, @MessageIdentifier String id) {
        record(id, e.at(), e.actor(), "credential.issued", "credential", e.credentialId(), null, e.reason(), e);
    }

    @EventHandler
    void on(CredentialScopeChanged e, @MessageIdentifier String id) {
        record(id, e.at(), e.actor(), "credential.scope_changed", "credential", e.credentialId(), null, e.reason(), e);
    }

    @EventHandler
    void on(CredentialRevoked e, @MessageIdentifier String id) {
        record(id, e.at(), e.actor(), "credential.revoked", "credential", e.credentialId(), null, e.reason(), e);
    }

    @EventHandler
    void on(RecalculationStarted e, @MessageIdentifier String id) {
        record(id, e.at(), e.actor(), "recalculation.started", "recalculation", e.recalculationId(), null,
                e.reason(), e);
    }

    @EventHandler
    void on(RecalculationApproved e, @MessageIdentifier String id) {
        record(id, e.at(), e.actor(), "recalculation.approved", "recalculation", e.recalculationId(), null,
                e.reason(), e);
    }

    @EventHandler
    void on(RecalculationSuperseded e, @MessageIdentifier String id) {
        record(id, e.at(), e.actor(), "recalculation.superseded", "recalculation", e.recalculationId(), null,
                "superseded by the approval of recalculation " + e.supersededBy(), e);
    }

    @EventHandler
    void on(UserMoveStarted e, @MessageIdentifier String id) {
        record(id, e.at(), e.actor(), "user.move_started", "user", e.userId(), e.teamId(), e.reason(), e);
    }

    @EventHandler
    void on(UserMovedIn e, @MessageIdentifier String id) {
        record(id, e.at(), e.actor(), "user.moved_in", "user", e.userId(), e.teamId(), e.reason(), e);
    }

    @EventHandler
    void on(UserMoveAwaitingReservations e, @MessageIdentifier String id) {
        record(id, e.at(), "system", "user.move_awaiting_reservations", "user", e.userId(), e.teamId(), null, e);
    }

    @EventHandler
    void on(UserMovedOut e, @MessageIdentifier String id) {
        record(id, e.at(), "system", "user.moved_out", "user", e.userId(), e.teamId(), null, e);
    }

    @EventHandler
    void on(UserMoveCancelled e, @MessageIdentifier String id) {
        record(id, e.at(), "system", "user.move_cancelled", "user", e.userId(), e.teamId(), e.reason(), e);
    }

    @EventHandler
    void on(KeyMoved e, @MessageIdentifier String id) {
        record(id, e.at(), e.actor(), "key.moved", "key", e.keyId(), e.toTeamId(), null, e);
    }

    /**
     * The erasure is itself audited (who, when, why, whose pseudonymous id); what the trail held of the person's
     * personal data (the details of their registration, their keys' metadata) goes.
     */
    @EventHandler
    void on(PersonalDataErased e, @MessageIdentifier String id) {
        dsl.update(AUDIT_LOG)
                .set(AUDIT_LOG.DETAILS, DSL.field("{0} - {1}::text[]", AUDIT_LOG.DETAILS.getDataType(),
                        AUDIT_LOG.DETAILS, DSL.val(PERSONAL_DETAILS, String[].class)))
                .where(AUDIT_LOG.ENTITY_TYPE.eq("user").and(AUDIT_LOG.ENTITY_ID.eq(e.userId()))
                        .or(DSL.field("{0} ->> 'userId'", String.class, AUDIT_LOG.DETAILS).eq(e.userId())))
                .execute();
        record(id, e.at(), e.actor(), "user.erased", "user", e.userId(), e.teamId(), e.reason(), e);
    }

    /** The fields of events that hold personal data (those marked {@code @PersonalData}). */
    static final String[] PERSONAL_DETAILS = {"name", "email", "externalId", "metadata"};

    @ResetHandler
    void reset() {
        dsl.deleteFrom(AUDIT_LOG).execute();
    }

    @EventHandler
    void on(PricesProposed e, @MessageIdentifier String id) {
        record(id, e.at(), e.actor(), "prices.proposed", "price_proposal", e.proposalId(), null,
                "from price source " + e.sourceId(), e);
    }

    @EventHandler
    void on(PriceProposalApproved e, @MessageIdentifier String id) {
        record(id, e.at(), e.actor(), "prices.proposal_approved", "price_proposal", e.proposalId(), null,
                e.reason(), e);
    }

    @EventHandler
    void on(PriceProposalRejected e, @MessageIdentifier String id) {
        record(id, e.at(), e.actor(), "prices.proposal_rejected", "price_proposal", e.proposalId(), null,
                e.reason(), e);
    }

    private void record(String eventId, Instant at, String actor, String action, String entityType, String entityId,
                        String teamId, String reason, Object event) {
        dsl.insertInto(AUDIT_LOG)
                .set(AUDIT_LOG.EVENT_ID, eventId)
                .set(AUDIT_LOG.AT, at)
                .set(AUDIT_LOG.ACTOR, actor == null ? "unknown" : actor)
                .set(AUDIT_LOG.ACTION, action)
                .set(AUDIT_LOG.ENTITY_TYPE, entityType)
                .set(AUDIT_LOG.ENTITY_ID, entityId)
                .set(AUDIT_LOG.TEAM_ID, teamId)
                .set(AUDIT_LOG.REASON, reason)
                .set(AUDIT_LOG.DETAILS, Json.fieldsOf(event, "secretHash", "userBalance", "teamBalance",
                        "keyBalance"))
                .onConflictDoNothing()
                .execute();
    }
}
