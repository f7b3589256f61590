package dev.tollgate.projection.alert;

import dev.tollgate.api.alert.BudgetThresholdCrossed;
import dev.tollgate.api.alert.ThresholdRemoved;
import dev.tollgate.api.alert.ThresholdSet;
import dev.tollgate.projection.support.SavepointPerEvent;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;

import static dev.tollgate.projection.support.Columns.amount;
import static dev.tollgate.readmodel.Tables.BUDGET_ALERTS;
import static dev.tollgate.readmodel.Tables.BUDGET_THRESHOLDS;

/**
 * Thresholds as set, and every crossing as recorded: what the alert pages and {@code GET /admin/alerts} show.
 * Replayable: a crossing is a recorded fact, so a replay writes the same rows (and sends nothing: notifications go
 * through {@link WebhookOutbox}, which is never replayed).
 */
@Component
@SavepointPerEvent
@ProcessingGroup(AlertProjection.PROCESSING_GROUP)
public class AlertProjection {

    public static final String PROCESSING_GROUP = "alerts";

    private final DSLContext dsl;

    public AlertProjection(DSLContext dsl) {
        this.dsl = dsl;
    }

    @EventHandler
    void on(ThresholdSet event) {
        dsl.insertInto(BUDGET_THRESHOLDS)
                .set(BUDGET_THRESHOLDS.TEAM_ID, event.teamId())
                .set(BUDGET_THRESHOLDS.THRESHOLD_ID, event.thresholdId())
                .set(BUDGET_THRESHOLDS.SCOPE, event.scope().wireName())
                .set(BUDGET_THRESHOLDS.SUBJECT, event.subject())
                .set(BUDGET_THRESHOLDS.KIND, event.kind().wireName())
                .set(BUDGET_THRESHOLDS.PERCENT, event.percent())
                .set(BUDGET_THRESHOLDS.SET_BY, event.actor())
                .set(BUDGET_THRESHOLDS.REASON, event.reason())
                .set(BUDGET_THRESHOLDS.SET_AT, event.at())
                .onConflict(BUDGET_THRESHOLDS.TEAM_ID, BUDGET_THRESHOLDS.THRESHOLD_ID).doUpdate()
                .set(BUDGET_THRESHOLDS.SCOPE, event.scope().wireName())
                .set(BUDGET_THRESHOLDS.SUBJECT, event.subject())
                .set(BUDGET_THRESHOLDS.KIND, event.kind().wireName())
                .set(BUDGET_THRESHOLDS.PERCENT, event.percent())
                .set(BUDGET_THRESHOLDS.SET_BY, event.actor())
                .set(BUDGET_THRESHOLDS.REASON, event.reason())
                .set(BUDGET_THRESHOLDS.SET_AT, event.at())
                .execute();
    }

    @EventHandler
    void on(ThresholdRemoved event) {
        dsl.deleteFrom(BUDGET_THRESHOLDS)
                .where(BUDGET_THRESHOLDS.TEAM_ID.eq(event.teamId()))
                .and(BUDGET_THRESHOLDS.THRESHOLD_ID.eq(event.thresholdId()))
                .execute();
    }

    @EventHandler
    void on(BudgetThresholdCrossed event) {
        dsl.insertInto(BUDGET_ALERTS)
                .set(BUDGET_ALERTS.ALERT_ID, event.alertId())
                .set(BUDGET_ALERTS.TEAM_ID, event.teamId())
                .set(BUDGET_ALERTS.THRESHOLD_ID, event.thresholdId())
                .set(BUDGET_ALERTS.SCOPE, event.scope().wireName())
                .set(BUDGET_ALERTS.SUBJECT, event.subject())
                .set(BUDGET_ALERTS.KIND, event.kind().wireName())
                .set(BUDGET_ALERTS.PERCENT, event.percent())
                .set(BUDGET_ALERTS.ACCOUNT, event.account())
                .set(BUDGET_ALERTS.USER_ID, event.userId())
                .set(BUDGET_ALERTS.KEY_ID, event.keyId())
                .set(BUDGET_ALERTS.EFFECTIVE_LIMIT, amount(event.effectiveLimit()))
                .set(BUDGET_ALERTS.SPENT, amount(event.spent()))
                .set(BUDGET_ALERTS.PERIOD_START, event.periodStart())
                .set(BUDGET_ALERTS.PERIOD_END, event.periodEnd())
                .set(BUDGET_ALERTS.PROJECTED_RUN_OUT, event.projectedRunOut())
                .set(BUDGET_ALERTS.CAUSE, event.cause().wireName())
                .set(BUDGET_ALERTS.REQUEST_ID, event.requestId())
                .set(BUDGET_ALERTS.AT, event.at())
                .onConflictDoNothing()
                .execute();
    }

    @ResetHandler
    void reset() {
        dsl.deleteFrom(BUDGET_THRESHOLDS).execute();
        dsl.deleteFrom(BUDGET_ALERTS).execute();
    }
}
