package dev.tollgate.edge.alert;

import dev.tollgate.api.alert.BudgetThresholdCrossed;
import dev.tollgate.api.alert.ThresholdKind;
import dev.tollgate.edge.config.TollgateProperties;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static dev.tollgate.readmodel.Tables.BUDGET_ALERTS;
import static dev.tollgate.readmodel.Tables.BUDGET_THRESHOLDS;

/**
 * The {@code x-tollgate-budget-warning} header: which accounts are past a threshold in their current period, kept in
 * memory so that an answer costs a map lookup, never a query. This node's crossings apply at once (a subscribing
 * handler, {@code budget-warnings}); every {@code tollgate.alerts.warning-refresh} the map is read again from
 * {@code budget_alerts} (other nodes' crossings, removed thresholds). A warning lasts until its period ends.
 * <p>
 * The header lists, for the request's user, key and team, the highest percent threshold crossed and any run-out
 * threshold: {@code user;percent=80;resets=2026-04-01T00:00:00Z, team;run_out=2026-03-24T10:00:00Z;resets=...}.
 */
@Component
@ProcessingGroup(BudgetWarnings.PROCESSING_GROUP)
public class BudgetWarnings {

    public static final String PROCESSING_GROUP = "budget-warnings";
    private static final Logger log = LoggerFactory.getLogger(BudgetWarnings.class);
    private static final String INTERVAL = "#{@'" + TollgateProperties.BEAN + "'.alerts().warningRefresh()}";

    /** The worst a crossing says about one account in one period. */
    record Warning(String account, int percent, Instant runOut, Instant periodEnd, Instant recordedAt) {

        boolean inForce(Instant now) {
            return periodEnd == null || now.isBefore(periodEnd);
        }

        Warning merge(Warning other) {
            if (other == null) {
                return this;
            }
            Instant end = periodEnd == null || other.periodEnd == null ? null
                    : periodEnd.isAfter(other.periodEnd) ? periodEnd : other.periodEnd;
            return new Warning(account, Math.max(percent, other.percent),
                    runOut == null ? other.runOut : other.runOut == null ? runOut
                            : runOut.isBefore(other.runOut) ? runOut : other.runOut,
                    end, recordedAt.isAfter(other.recordedAt) ? recordedAt : other.recordedAt);
        }

        String render() {
            StringBuilder value = new StringBuilder(account);
            if (percent > 0) {
                value.append(";percent=").append(percent);
            }
            if (runOut != null) {
                value.append(";run_out=").append(runOut);
            }
            if (periodEnd != null) {
                value.append(";resets=").append(periodEnd);
            }
            return value.toString();
        }
    }

    private final DSLContext dsl;
    private final TollgateProperties.Alerts settings;
    private volatile Map<String, Warning> warnings = new ConcurrentHashMap<>();

    public BudgetWarnings(DSLContext dsl, TollgateProperties properties) {
        this.dsl = dsl;
        this.settings = properties.alerts();
    }

    @EventHandler
    void on(BudgetThresholdCrossed event) {
        add(warnings, warningOf(event.teamId(), event.account(), event.userId(), event.keyId(), event.kind(),
                event.percent(), event.projectedRunOut(), event.periodEnd(), Instant.now()));
    }

    @Scheduled(fixedDelayString = INTERVAL, initialDelay = 0)
    public void refresh() {
        try {
            Instant now = Instant.now();
            Map<String, Warning> fresh = new ConcurrentHashMap<>();
            dsl.select(BUDGET_ALERTS.TEAM_ID, BUDGET_ALERTS.ACCOUNT, BUDGET_ALERTS.USER_ID, BUDGET_ALERTS.KEY_ID,
                            BUDGET_ALERTS.KIND, BUDGET_ALERTS.PERCENT, BUDGET_ALERTS.PROJECTED_RUN_OUT,
                            BUDGET_ALERTS.PERIOD_END, BUDGET_ALERTS.AT)
                    .from(BUDGET_ALERTS)
                    .join(BUDGET_THRESHOLDS).on(BUDGET_THRESHOLDS.TEAM_ID.eq(BUDGET_ALERTS.TEAM_ID)
                            .and(BUDGET_THRESHOLDS.THRESHOLD_ID.eq(BUDGET_ALERTS.THRESHOLD_ID)))
                    .where(BUDGET_ALERTS.PERIOD_END.isNull().or(BUDGET_ALERTS.PERIOD_END.gt(now)))
                    .forEach(row -> add(fresh, warningOf(row.value1(), row.value2(), row.value3(), row.value4(),
                            ThresholdKind.fromWireName(row.value5()), row.value6(), row.value7(), row.value8(),
                            row.value9())));
            // this node's crossings the read model may not show yet
            Instant recent = now.minus(settings.warningRefresh().multipliedBy(3));
            warnings.forEach((key, warning) -> {
                if (warning.recordedAt().isAfter(recent)) {
                    fresh.merge(key, warning, Warning::merge);
                }
            });
            warnings = fresh;
        } catch (RuntimeException e) {
            log.warn("Budget warnings could not be refreshed: {}", e.toString());
        }
    }

    /** The header's value for a request of {@code userId} (may be null) with {@code keyId} in {@code teamId}. */
    public Optional<String> headerFor(String teamId, String userId, String keyId) {
        Map<String, Warning> current = warnings;
        if (current.isEmpty()) {
            return Optional.empty();
        }
        Instant now = Instant.now();
        List<String> parts = new ArrayList<>(3);
        for (String key : new String[]{userId == null ? null : "user:" + teamId + "/" + userId,
                keyId == null ? null : "key:" + teamId + "/" + keyId, "team:" + teamId}) {
            Warning warning = key == null ? null : current.get(key);
            if (warning != null && warning.inForce(now)) {
                parts.add(warning.render());
            }
        }
        return parts.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", parts));
    }

    private static void add(Map<String, Warning> into, Map.Entry<String, Warning> entry) {
        into.merge(entry.getKey(), entry.getValue(), Warning::merge);
    }

    private static Map.Entry<String, Warning> warningOf(String teamId, String account, String userId, String keyId,
                                                        ThresholdKind kind, int percent, Instant runOut,
                                                        Instant periodEnd, Instant recordedAt) {
        String key = switch (account) {
            case "user" -> "user:" + teamId + "/" + userId;
            case "key" -> "key:" + teamId + "/" + keyId;
            default -> "team:" + teamId;
        };
        return Map.entry(key, new Warning(account, kind == ThresholdKind.PERCENT ? percent : 0,
                kind == ThresholdKind.RUN_OUT ? runOut : null, periodEnd, recordedAt));
    }
}
