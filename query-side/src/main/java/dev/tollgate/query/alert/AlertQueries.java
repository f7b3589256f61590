package dev.tollgate.query.alert;

import dev.tollgate.query.alert.AlertViews.AlertView;
import dev.tollgate.query.alert.AlertViews.AttemptView;
import dev.tollgate.query.alert.AlertViews.DeliveryView;
import dev.tollgate.query.alert.AlertViews.EndpointView;
import dev.tollgate.query.alert.AlertViews.ThresholdView;
import dev.tollgate.query.access.ReadScope;
import dev.tollgate.query.support.Amounts;
import dev.tollgate.readmodel.tables.records.WebhookDeliveriesRecord;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.springframework.stereotype.Service;

import java.util.List;
import java.util.Optional;

import static dev.tollgate.readmodel.Tables.BUDGET_ALERTS;
import static dev.tollgate.readmodel.Tables.BUDGET_THRESHOLDS;
import static dev.tollgate.readmodel.Tables.WEBHOOK_ATTEMPTS;
import static dev.tollgate.readmodel.Tables.WEBHOOK_DELIVERIES;
import static dev.tollgate.readmodel.Tables.WEBHOOK_ENDPOINTS;

/** Thresholds, alerts, webhook endpoints and deliveries, from the tables of docs/alerts.md. */
@Service
public class AlertQueries {

    private final DSLContext dsl;

    public AlertQueries(DSLContext dsl) {
        this.dsl = dsl;
    }

    /** @param teamScope which teams' rows the caller sees (ReadScope.teamCondition) */
    public List<ThresholdView> thresholds(String teamId, ReadScope scope) {
        Condition where = scope.teamCondition(BUDGET_THRESHOLDS.TEAM_ID);
        if (teamId != null) {
            where = where.and(BUDGET_THRESHOLDS.TEAM_ID.eq(teamId));
        }
        return dsl.selectFrom(BUDGET_THRESHOLDS).where(where)
                .orderBy(BUDGET_THRESHOLDS.TEAM_ID, BUDGET_THRESHOLDS.THRESHOLD_ID).limit(10_000)
                .fetch(r -> new ThresholdView(r.getTeamId(), r.getThresholdId(), r.getScope(), r.getSubject(),
                        r.getKind(), r.getPercent(), r.getSetBy(), r.getReason(), r.getSetAt()));
    }

    public Optional<ThresholdView> threshold(String teamId, String thresholdId) {
        return thresholds(teamId, ReadScope.EVERYTHING).stream()
                .filter(t -> t.id().equals(thresholdId)).findFirst();
    }

    public List<AlertView> alerts(String teamId, int limit,
                                  ReadScope scope) {
        Condition where = scope.teamCondition(BUDGET_ALERTS.TEAM_ID);
        if (teamId != null) {
            where = where.and(BUDGET_ALERTS.TEAM_ID.eq(teamId));
        }
        return dsl.selectFrom(BUDGET_ALERTS).where(where).orderBy(BUDGET_ALERTS.AT.desc()).limit(limit)
                .fetch(r -> new AlertView(r.getAlertId(), r.getTeamId(), r.getThresholdId(), r.getScope(),
                        r.getSubject(), r.getKind(), r.getPercent(), r.getAccount(), r.getUserId(), r.getKeyId(),
                        Amounts.format(r.getEffectiveLimit()), Amounts.format(r.getSpent()), r.getPeriodStart(),
                        r.getPeriodEnd(), r.getProjectedRunOut(), r.getCause(), r.getRequestId(), r.getAt()));
    }

    public List<EndpointView> endpoints() {
        return dsl.selectFrom(WEBHOOK_ENDPOINTS).where(WEBHOOK_ENDPOINTS.REMOVED_AT.isNull())
                .orderBy(WEBHOOK_ENDPOINTS.CREATED_AT).fetch(r -> new EndpointView(r.getEndpointId(), r.getUrl(),
                        List.of(r.getTeams()), r.getSecretFingerprint(), r.getDescription(), r.getCreatedBy(),
                        r.getCreatedAt(), r.getRemovedAt()));
    }

    public Optional<EndpointView> endpoint(String endpointId) {
        return dsl.selectFrom(WEBHOOK_ENDPOINTS).where(WEBHOOK_ENDPOINTS.ENDPOINT_ID.eq(endpointId))
                .fetchOptional(r -> new EndpointView(r.getEndpointId(), r.getUrl(), List.of(r.getTeams()),
                        r.getSecretFingerprint(), r.getDescription(), r.getCreatedBy(), r.getCreatedAt(),
                        r.getRemovedAt()));
    }

    /**
     * The delivery log, newest first.
     *
     * @param state {@code pending}, {@code delivered}, {@code dead} or null for all
     */
    public List<DeliveryView> deliveries(String state, String endpointId, int limit,
                                         ReadScope scope) {
        Condition where = scope.teamCondition(WEBHOOK_DELIVERIES.TEAM_ID);
        if (state != null) {
            where = where.and(WEBHOOK_DELIVERIES.STATE.eq(state));
        }
        if (endpointId != null) {
            where = where.and(WEBHOOK_DELIVERIES.ENDPOINT_ID.eq(endpointId));
        }
        return dsl.selectFrom(WEBHOOK_DELIVERIES).where(where)
                .orderBy(WEBHOOK_DELIVERIES.CREATED_AT.desc(), WEBHOOK_DELIVERIES.ID.desc()).limit(limit)
                .fetch(r -> view(r, attempts(r.getId())));
    }

    public Optional<DeliveryView> delivery(long id) {
        return dsl.selectFrom(WEBHOOK_DELIVERIES).where(WEBHOOK_DELIVERIES.ID.eq(id))
                .fetchOptional(r -> view(r, attempts(id)));
    }

    private List<AttemptView> attempts(long delivery) {
        return dsl.selectFrom(WEBHOOK_ATTEMPTS).where(WEBHOOK_ATTEMPTS.DELIVERY.eq(delivery))
                .orderBy(WEBHOOK_ATTEMPTS.ATTEMPT).fetch(r -> new AttemptView(r.getAttempt(), r.getAt(),
                        r.getStatus(), r.getError(), r.getDurationMs()));
    }

    private static DeliveryView view(WebhookDeliveriesRecord r, List<AttemptView> log) {
        return new DeliveryView(r.getId(), r.getAlertId(), r.getEndpointId(), r.getTeamId(), r.getEventType(),
                r.getState(), r.getAttempts(), r.getCreatedAt(), r.getNextAttemptAt(), r.getLastStatus(),
                r.getLastError(), r.getDeliveredAt(), r.getDeadAt(), log, r.getPayload());
    }
}
