package dev.tollgate.edge.alert;

import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.outbound.OutboundAnswer;
import dev.tollgate.edge.outbound.OutboundException;
import dev.tollgate.edge.outbound.OutboundHttp;
import dev.tollgate.edge.outbound.OutboundRequest;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.Record3;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static dev.tollgate.readmodel.Tables.WEBHOOK_ATTEMPTS;
import static dev.tollgate.readmodel.Tables.WEBHOOK_DELIVERIES;
import static dev.tollgate.readmodel.Tables.WEBHOOK_ENDPOINTS;

/**
 * Sends the outbox's deliveries (projection/alert/WebhookOutbox) to their endpoints, through the SSRF guard
 * ({@link OutboundHttp}). Each poll leases the due rows it takes (so that two nodes never send one at once, and a
 * node that crashed mid-delivery lets another send it again when the lease ends), signs each body
 * ({@link WebhookSignature}), and records every attempt in the delivery log. A 2xx answer delivers; anything else is
 * retried with exponential backoff ({@code initial-backoff}, doubled, at most {@code max-backoff}) for
 * {@code retry-for}; then the delivery is dead, listed as a dead letter and redeliverable by hand. At least once: a
 * receiver deduplicates on {@code Idempotency-Key} (the alert's id).
 */
@Component
public class WebhookDispatcher {

    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final String INTERVAL = "#{@'" + TollgateProperties.BEAN + "'.alerts().pollInterval()}";
    private static final int ERROR_LENGTH = 500;

    private final DSLContext dsl;
    private final OutboundHttp outbound;
    private final WebhookSecrets secrets;
    private final TollgateProperties.Alerts settings;
    private final Clock clock;

    @Autowired
    public WebhookDispatcher(DSLContext dsl, OutboundHttp outbound, WebhookSecrets secrets,
                             TollgateProperties properties) {
        this(dsl, outbound, secrets, properties.alerts(), Clock.systemUTC());
    }

    WebhookDispatcher(DSLContext dsl, OutboundHttp outbound, WebhookSecrets secrets, TollgateProperties.Alerts settings,
                      Clock clock) {
        this.dsl = dsl;
        this.outbound = outbound;
        this.secrets = secrets;
        this.settings = settings;
        this.clock = clock;
    }

    /** Sends on a thread of its own: the scheduler's thread (shared by every sweep) never waits for a receiver. */
    private final java.util.concurrent.ExecutorService worker = java.util.concurrent.Executors.newSingleThreadExecutor(
            runnable -> {
                Thread thread = new Thread(runnable, "webhook-dispatcher");
                thread.setDaemon(true);
                return thread;
            });
    private final java.util.concurrent.atomic.AtomicBoolean polling = new java.util.concurrent.atomic.AtomicBoolean();

    @Scheduled(fixedDelayString = INTERVAL, initialDelay = 500)
    public void poll() {
        if (!polling.compareAndSet(false, true)) {
            return; // the last poll is still sending
        }
        try {
            worker.execute(() -> {
                try {
                    deliverDue();
                } catch (RuntimeException e) {
                    log.warn("Webhook deliveries could not be polled: {}", e.toString());
                } finally {
                    polling.set(false);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            polling.set(false); // shutting down
        }
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        worker.shutdownNow();
    }

    /** Sends every delivery that is due (up to the batch size); answers how many were attempted. */
    public int deliverDue() {
        Instant now = clock.instant();
        List<? extends Record> leased = dsl.update(WEBHOOK_DELIVERIES)
                .set(WEBHOOK_DELIVERIES.LEASE_UNTIL, now.plus(settings.lease()))
                .where(WEBHOOK_DELIVERIES.ID.in(DSL.select(WEBHOOK_DELIVERIES.ID).from(WEBHOOK_DELIVERIES)
                        .where(WEBHOOK_DELIVERIES.STATE.eq("pending"))
                        .and(WEBHOOK_DELIVERIES.NEXT_ATTEMPT_AT.le(now))
                        .and(WEBHOOK_DELIVERIES.LEASE_UNTIL.isNull().or(WEBHOOK_DELIVERIES.LEASE_UNTIL.le(now)))
                        .orderBy(WEBHOOK_DELIVERIES.NEXT_ATTEMPT_AT)
                        .limit(settings.batchSize())
                        .forUpdate().skipLocked()))
                .returning(WEBHOOK_DELIVERIES.ID, WEBHOOK_DELIVERIES.ENDPOINT_ID, WEBHOOK_DELIVERIES.TEAM_ID,
                        WEBHOOK_DELIVERIES.ALERT_ID, WEBHOOK_DELIVERIES.EVENT_TYPE, WEBHOOK_DELIVERIES.PAYLOAD,
                        WEBHOOK_DELIVERIES.ATTEMPTS, WEBHOOK_DELIVERIES.RETRY_FROM)
                .fetch();
        if (leased.isEmpty()) {
            return 0;
        }
        Flux.fromIterable(leased)
                .flatMap(row -> attempt(row).onErrorResume(e -> {
                    log.warn("Webhook delivery {} failed unexpectedly: {}", row.get(WEBHOOK_DELIVERIES.ID),
                            e.toString());
                    return Mono.empty();
                }), 4)
                .blockLast(settings.timeout().multipliedBy(leased.size()).plusSeconds(5));
        return leased.size();
    }

    private Mono<Void> attempt(Record row) {
        long id = row.get(WEBHOOK_DELIVERIES.ID);
        String endpointId = row.get(WEBHOOK_DELIVERIES.ENDPOINT_ID);
        int attempt = row.get(WEBHOOK_DELIVERIES.ATTEMPTS) + 1;
        // the endpoint as registered now: an id removed and registered again may have other teams (a delivery made
        // for the removed registration and redelivered by hand goes only where its team's alerts go)
        Optional<Record3<String, String, Boolean>> endpoint = dsl.select(WEBHOOK_ENDPOINTS.URL,
                        WEBHOOK_ENDPOINTS.SECRET_FINGERPRINT,
                        DSL.field(DSL.cardinality(WEBHOOK_ENDPOINTS.TEAMS).eq(0)
                                .or(DSL.val(row.get(WEBHOOK_DELIVERIES.TEAM_ID)).eq(DSL.any(WEBHOOK_ENDPOINTS.TEAMS)))))
                .from(WEBHOOK_ENDPOINTS)
                .where(WEBHOOK_ENDPOINTS.ENDPOINT_ID.eq(endpointId)).and(WEBHOOK_ENDPOINTS.REMOVED_AT.isNull())
                .fetchOptional();
        Optional<String> url = endpoint.map(Record3::value1);
        boolean receivesTeam = endpoint.map(e -> Boolean.TRUE.equals(e.value3())).orElse(false);
        // signed with the secret whose fingerprint the endpoint's registration carries, never another one kept
        Optional<String> secret = endpoint.flatMap(e -> secrets.secretOf(endpointId, e.value2()));
        if (url.isEmpty() || !receivesTeam || secret.isEmpty()) {
            Instant now = clock.instant();
            String error = url.isEmpty() ? "the endpoint was removed"
                    : !receivesTeam ? "the endpoint no longer receives this team's alerts"
                    : "no secret with the endpoint's fingerprint is kept";
            record(id, attempt, now, null, error, 0);
            dsl.update(WEBHOOK_DELIVERIES).set(WEBHOOK_DELIVERIES.STATE, "dead")
                    .set(WEBHOOK_DELIVERIES.DEAD_AT, now).set(WEBHOOK_DELIVERIES.ATTEMPTS, attempt)
                    .set(WEBHOOK_DELIVERIES.LAST_ERROR, error)
                    .set(WEBHOOK_DELIVERIES.LEASE_UNTIL, (Instant) null)
                    .where(WEBHOOK_DELIVERIES.ID.eq(id)).execute();
            return Mono.empty();
        }
        byte[] body = row.get(WEBHOOK_DELIVERIES.PAYLOAD).getBytes(StandardCharsets.UTF_8);
        Instant started = clock.instant();
        long timestamp = started.getEpochSecond();
        OutboundRequest request = OutboundRequest.post(url.get(), "application/json", body)
                .withHeader(WebhookSignature.HEADER, WebhookSignature.sign(secret.get(), timestamp, body))
                .withHeader("X-Tollgate-Timestamp", Long.toString(timestamp))
                .withHeader("X-Tollgate-Event", row.get(WEBHOOK_DELIVERIES.EVENT_TYPE))
                .withHeader("X-Tollgate-Delivery", Long.toString(id))
                .withHeader("Idempotency-Key", row.get(WEBHOOK_DELIVERIES.ALERT_ID))
                .withHeader("User-Agent", "Tollgate-Webhooks/1");
        return outbound.fetch(request)
                .timeout(settings.timeout())
                .map(answer -> outcome(answer, null))
                .onErrorResume(failure -> Mono.just(outcome(null, failure instanceof OutboundException
                        ? failure.getMessage() : failure instanceof java.util.concurrent.TimeoutException
                        ? "no answer within " + settings.timeout().toMillis() + " ms" : "the delivery failed")))
                .doOnNext(outcome -> settle(id, attempt, started, row.get(WEBHOOK_DELIVERIES.RETRY_FROM), outcome))
                .then();
    }

    private record Outcome(Integer status, String error) {
        boolean delivered() {
            return status != null && status >= 200 && status < 300;
        }
    }

    private static Outcome outcome(OutboundAnswer answer, String error) {
        if (answer == null) {
            return new Outcome(null, error);
        }
        return new Outcome(answer.status(), answer.status() >= 200 && answer.status() < 300 ? null
                : "the endpoint answered " + answer.status());
    }

    private void settle(long id, int attempt, Instant started, Instant retryFrom, Outcome outcome) {
        Instant now = clock.instant();
        record(id, attempt, started, outcome.status(), outcome.error(), Duration.between(started, now).toMillis());
        var update = dsl.update(WEBHOOK_DELIVERIES)
                .set(WEBHOOK_DELIVERIES.ATTEMPTS, attempt)
                .set(WEBHOOK_DELIVERIES.LAST_STATUS, outcome.status())
                .set(WEBHOOK_DELIVERIES.LAST_ERROR, outcome.error())
                .set(WEBHOOK_DELIVERIES.LEASE_UNTIL, (Instant) null);
        if (outcome.delivered()) {
            update.set(WEBHOOK_DELIVERIES.STATE, "delivered").set(WEBHOOK_DELIVERIES.DELIVERED_AT, now)
                    .where(WEBHOOK_DELIVERIES.ID.eq(id)).execute();
            return;
        }
        Instant next = now.plus(backoff(attempt));
        // a failed attempt changes a pending delivery only: one whose endpoint was removed while it was being sent
        // died with the removal (projection/alert/WebhookOutbox) and keeps that reason
        if (!next.isBefore(retryFrom.plus(settings.retryFor()))) {
            log.warn("Webhook delivery {} is dead after {} attempts: {}", id, attempt, outcome.error());
            update.set(WEBHOOK_DELIVERIES.STATE, "dead").set(WEBHOOK_DELIVERIES.DEAD_AT, now)
                    .where(WEBHOOK_DELIVERIES.ID.eq(id)).and(WEBHOOK_DELIVERIES.STATE.eq("pending")).execute();
        } else {
            update.set(WEBHOOK_DELIVERIES.NEXT_ATTEMPT_AT, next)
                    .where(WEBHOOK_DELIVERIES.ID.eq(id)).and(WEBHOOK_DELIVERIES.STATE.eq("pending")).execute();
        }
    }

    /** The wait after the {@code attempt}-th failure: the initial backoff doubled each time, at most the maximum. */
    Duration backoff(int attempt) {
        Duration wait = settings.initialBackoff();
        for (int i = 1; i < attempt && wait.compareTo(settings.maxBackoff()) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : wait;
    }

    private void record(long id, int attempt, Instant at, Integer status, String error, long millis) {
        dsl.insertInto(WEBHOOK_ATTEMPTS)
                .set(WEBHOOK_ATTEMPTS.DELIVERY, id)
                .set(WEBHOOK_ATTEMPTS.ATTEMPT, attempt)
                .set(WEBHOOK_ATTEMPTS.AT, at)
                .set(WEBHOOK_ATTEMPTS.STATUS, status)
                .set(WEBHOOK_ATTEMPTS.ERROR, error == null || error.length() <= ERROR_LENGTH ? error
                        : error.substring(0, ERROR_LENGTH))
                .set(WEBHOOK_ATTEMPTS.DURATION_MS, millis)
                .onConflictDoNothing()
                .execute();
    }

    /** Sends a dead (or delivered) delivery again, from now, with a fresh retry window. */
    public boolean redeliver(long id) {
        return dsl.update(WEBHOOK_DELIVERIES)
                .set(WEBHOOK_DELIVERIES.STATE, "pending")
                .set(WEBHOOK_DELIVERIES.NEXT_ATTEMPT_AT, clock.instant())
                .set(WEBHOOK_DELIVERIES.RETRY_FROM, clock.instant())
                .set(WEBHOOK_DELIVERIES.DEAD_AT, (Instant) null)
                .set(WEBHOOK_DELIVERIES.LEASE_UNTIL, (Instant) null)
                .where(WEBHOOK_DELIVERIES.ID.eq(id))
                .and(WEBHOOK_DELIVERIES.STATE.in("dead", "delivered"))
                .execute() == 1;
    }
}
