package dev.tollgate.projection.alert;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.api.alert.BudgetThresholdCrossed;
import dev.tollgate.api.alert.WebhookEndpointRegistered;
import dev.tollgate.api.alert.WebhookEndpointRemoved;
import dev.tollgate.projection.support.Json;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.EventHandler;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;

import java.time.Instant;

import static dev.tollgate.readmodel.Tables.WEBHOOK_DELIVERIES;
import static dev.tollgate.readmodel.Tables.WEBHOOK_ENDPOINTS;

/**
 * The durable outbox of alert notifications. A subscribing processor
 * ({@code axon.eventhandling.processors.alert-outbox.mode: subscribing}): its rows are written in the transaction that
 * records the event, so an alert that is recorded has its deliveries recorded too, and one that is not has none. A
 * crash can therefore never lose a notification; the dispatcher (edge/alert/WebhookDispatcher) sends each row until
 * its endpoint answers 2xx. A row is keyed by (alert, endpoint): the same alert never makes a second row, and its id
 * is the idempotency id receivers see. Never replayed: a replay must not notify again.
 */
@Component
@ProcessingGroup(WebhookOutbox.PROCESSING_GROUP)
public class WebhookOutbox {

    public static final String PROCESSING_GROUP = "alert-outbox";
    public static final String THRESHOLD_CROSSED = "budget.threshold_crossed";
    /** Why the deliveries of a removed endpoint die. */
    public static final String ENDPOINT_REMOVED = "the endpoint was removed";

    private final DSLContext dsl;

    public WebhookOutbox(DSLContext dsl) {
        this.dsl = dsl;
    }

    /**
     * The endpoint as registered: the first registration of its id, or a registration after it was removed, which
     * takes the row over (its URL, teams, fingerprint, who and when; no longer removed). The fingerprint written here,
     * in the event's transaction, picks the secret deliveries are signed with (edge/alert/WebhookSecrets).
     */
    @EventHandler
    @DisallowReplay
    void on(WebhookEndpointRegistered event) {
        var registration = dsl.newRecord(WEBHOOK_ENDPOINTS);
        registration.setEndpointId(event.endpointId());
        registration.setUrl(event.url());
        registration.setTeams(event.teams().stream().sorted().toArray(String[]::new));
        registration.setSecretFingerprint(event.secretFingerprint());
        registration.setDescription(event.description());
        registration.setCreatedBy(event.actor());
        registration.setCreatedAt(event.at());
        registration.setRemovedAt(null);
        registration.setRemovedBy(null);
        // the same columns whether the row is new or taken over (its removal cleared)
        dsl.insertInto(WEBHOOK_ENDPOINTS).set(registration)
                .onConflict(WEBHOOK_ENDPOINTS.ENDPOINT_ID).doUpdate().set(registration)
                .execute();
    }

    /**
     * The endpoint is removed, and its pending deliveries die with it, in the event's transaction: none of them can
     * go to a later registration of its id (another URL, other teams, another secret).
     */
    @EventHandler
    @DisallowReplay
    void on(WebhookEndpointRemoved event) {
        dsl.update(WEBHOOK_ENDPOINTS)
                .set(WEBHOOK_ENDPOINTS.REMOVED_AT, event.at())
                .set(WEBHOOK_ENDPOINTS.REMOVED_BY, event.actor())
                .where(WEBHOOK_ENDPOINTS.ENDPOINT_ID.eq(event.endpointId()))
                .execute();
        dsl.update(WEBHOOK_DELIVERIES)
                .set(WEBHOOK_DELIVERIES.STATE, "dead")
                .set(WEBHOOK_DELIVERIES.DEAD_AT, event.at())
                .set(WEBHOOK_DELIVERIES.LAST_ERROR, ENDPOINT_REMOVED)
                .set(WEBHOOK_DELIVERIES.LEASE_UNTIL, (Instant) null)
                .where(WEBHOOK_DELIVERIES.ENDPOINT_ID.eq(event.endpointId()))
                .and(WEBHOOK_DELIVERIES.STATE.eq("pending"))
                .execute();
    }

    @EventHandler
    @DisallowReplay
    void on(BudgetThresholdCrossed event) {
        String payload = payloadOf(event);
        Instant now = event.at();
        // One row per endpoint in force that receives this team's alerts, in one statement.
        dsl.insertInto(WEBHOOK_DELIVERIES, WEBHOOK_DELIVERIES.ALERT_ID, WEBHOOK_DELIVERIES.ENDPOINT_ID,
                        WEBHOOK_DELIVERIES.TEAM_ID, WEBHOOK_DELIVERIES.EVENT_TYPE, WEBHOOK_DELIVERIES.PAYLOAD,
                        WEBHOOK_DELIVERIES.STATE, WEBHOOK_DELIVERIES.CREATED_AT, WEBHOOK_DELIVERIES.NEXT_ATTEMPT_AT,
                        WEBHOOK_DELIVERIES.RETRY_FROM)
                .select(dsl.select(org.jooq.impl.DSL.val(event.alertId()), WEBHOOK_ENDPOINTS.ENDPOINT_ID,
                                org.jooq.impl.DSL.val(event.teamId()), org.jooq.impl.DSL.val(THRESHOLD_CROSSED),
                                org.jooq.impl.DSL.val(payload), org.jooq.impl.DSL.val("pending"),
                                org.jooq.impl.DSL.val(now), org.jooq.impl.DSL.val(now), org.jooq.impl.DSL.val(now))
                        .from(WEBHOOK_ENDPOINTS)
                        .where(WEBHOOK_ENDPOINTS.REMOVED_AT.isNull())
                        .and(org.jooq.impl.DSL.cardinality(WEBHOOK_ENDPOINTS.TEAMS).eq(0)
                                .or(org.jooq.impl.DSL.val(event.teamId()).eq(org.jooq.impl.DSL.any(WEBHOOK_ENDPOINTS.TEAMS)))))
                .onConflictDoNothing()
                .execute();
    }

    /** The JSON body receivers get: the alert's id (their idempotency id), its type, and what crossed what. */
    static String payloadOf(BudgetThresholdCrossed event) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("id", event.alertId());
        body.put("type", THRESHOLD_CROSSED);
        body.put("created_at", event.at().toString());
        ObjectNode data = body.putObject("data");
        data.put("team_id", event.teamId());
        data.put("threshold_id", event.thresholdId());
        data.put("scope", event.scope().wireName());
        data.put("subject", event.subject());
        data.put("kind", event.kind().wireName());
        if (event.kind() == dev.tollgate.api.alert.ThresholdKind.PERCENT) {
            data.put("percent", event.percent());
        }
        data.put("account", event.account());
        data.put("user_id", event.userId());
        data.put("key_id", event.keyId());
        data.put("effective_limit", event.effectiveLimit().toDecimalString());
        data.put("spent", event.spent().toDecimalString());
        data.put("period_start", event.periodStart().toString());
        data.put("period_end", event.periodEnd() == null ? null : event.periodEnd().toString());
        data.put("projected_run_out", event.projectedRunOut() == null ? null : event.projectedRunOut().toString());
        data.put("cause", event.cause().wireName());
        data.put("request_id", event.requestId());
        return body.toString();
    }
}
