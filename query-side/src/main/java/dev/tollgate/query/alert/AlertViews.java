package dev.tollgate.query.alert;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.List;

/** What the alert routes and pages show. Amounts are decimal strings; no secret is ever in one of these. */
public final class AlertViews {

    private AlertViews() {
    }

    /** @param percent 0 for a run-out threshold */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ThresholdView(String teamId, String id, String scope, String subject, String kind, int percent,
                                String setBy, String reason, Instant setAt) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record AlertView(String id, String teamId, String thresholdId, String scope, String subject, String kind,
                            int percent, String account, String userId, String keyId, String effectiveLimit,
                            String spent, Instant periodStart, Instant periodEnd, Instant projectedRunOut,
                            String cause, String requestId, Instant at) {
    }

    /** @param teams empty: every team's alerts */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record EndpointView(String id, String url, List<String> teams, String secretFingerprint,
                               String description, String createdBy, Instant createdAt, Instant removedAt) {
    }

    /** @param state {@code pending}, {@code delivered} or {@code dead} (a dead letter) */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record DeliveryView(long id, String alertId, String endpointId, String teamId, String eventType,
                               String state, int attempts, Instant createdAt, Instant nextAttemptAt,
                               Integer lastStatus, String lastError, Instant deliveredAt, Instant deadAt,
                               List<AttemptView> log, String payload) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record AttemptView(int attempt, Instant at, Integer status, String error, long durationMs) {
    }
}
