package dev.tollgate.edge.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.support.WebhookReceiver;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Thresholds end to end: a request crosses one, the alert is recorded once, its webhook is signed and delivered
 * through a real receiver that fails, times out and recovers; deliveries whose retries run out are dead letters that
 * an admin redelivers; the user's next answers carry {@code x-tollgate-budget-warning}; secrets never show.
 */
class WebhooksTest extends GatewayTestSupport {

    static final ObjectMapper JSON = new ObjectMapper();

    /** A team whose new user has a 0.01 budget; answers the user's key. A gpt-test request of 1000 tokens ≈ 0.002. */
    private record Setup(String teamId, String userId, String key) {
    }

    private Setup setup() {
        String teamId = newTeam(null, "0.01", "clamp");
        String userId = newUser(teamId, null);
        return new Setup(teamId, userId, newUserKey(userId, List.of("gpt-test")));
    }

    private JsonNode registerWebhook(String url, List<String> teams) {
        Http.Response registered = http().post("/admin/webhooks", MASTER_KEY,
                Map.of("url", url, "teams", teams, "reason", "alerts for the course office"));
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        return registered.json();
    }

    private void threshold(Setup setup, int percent) {
        Http.Response set = http().post("/admin/thresholds", MASTER_KEY, Map.of("team_id", setup.teamId(),
                "scope", "user", "subject", setup.userId(), "percent", percent, "reason", "warn the student"));
        assertThat(set.status()).as(set.body()).isEqualTo(201);
    }

    private Http.Response spend(Setup setup) {
        Http.Response answer = chat(setup.key(), "gpt-test", Map.of("max_tokens", 1000));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer;
    }

    private JsonNode deliveries(String endpointId) {
        return http().get("/admin/webhooks/deliveries?endpoint_id=" + endpointId, MASTER_KEY).json().path("data");
    }

    @Test
    void aCrossedThresholdIsDeliveredSignedThroughFailuresAndATimeoutAndRecordedOnce() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver().script(500, WebhookReceiver.HANG)) {
            Setup setup = setup();
            JsonNode registered = registerWebhook(receiver.url(), List.of(setup.teamId()));
            String secret = registered.path("secret").asText();
            String endpointId = registered.path("endpoint").path("id").asText();
            threshold(setup, 10);

            spend(setup);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(deliveries(endpointId).path(0).path("state").asText()).isEqualTo("delivered"));
            // past the threshold again in the same period: no second alert (its settlement recorded, below)
            messageCost(spend(setup).header("x-request-id"));

            JsonNode delivery = deliveries(endpointId).get(0);
            assertThat(delivery.path("attempts").asInt()).isEqualTo(3);
            assertThat(delivery.path("log").findValuesAsText("status")).containsExactly("500", "null", "200");
            assertThat(delivery.path("log").get(1).path("error").asText()).contains("no answer within");

            List<WebhookReceiver.Received> received = receiver.received();
            assertThat(received).hasSize(3);
            String alertId = delivery.path("alert_id").asText();
            for (WebhookReceiver.Received request : received) {
                assertThat(request.header("Idempotency-Key")).isEqualTo(alertId);
                assertThat(WebhookSignature.verify(request.header("X-Tollgate-Signature"), secret, request.body(),
                        Instant.now(), Duration.ofMinutes(5))).as("signed with the endpoint's secret").isTrue();
                assertThat(WebhookSignature.verify(request.header("X-Tollgate-Signature"), "whsec_other",
                        request.body(), Instant.now(), Duration.ofMinutes(5))).isFalse();
                assertThat(WebhookSignature.verify(request.header("X-Tollgate-Signature"), secret, request.body(),
                        Instant.now().plus(Duration.ofMinutes(10)), Duration.ofMinutes(5)))
                        .as("an old signature is refused: no replays").isFalse();
            }
            JsonNode body = JSON.readTree(new String(received.get(2).body(), StandardCharsets.UTF_8));
            assertThat(body.path("id").asText()).isEqualTo(alertId);
            assertThat(body.path("type").asText()).isEqualTo("budget.threshold_crossed");
            assertThat(body.path("data").path("user_id").asText()).isEqualTo(setup.userId());
            assertThat(body.path("data").path("percent").asInt()).isEqualTo(10);
            assertThat(body.path("data").path("effective_limit").asText()).isEqualTo("0.01");
            assertThat(body.path("data").path("cause").asText()).isIn("request", "threshold_set");

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(http()
                    .get("/admin/alerts?team_id=" + setup.teamId(), MASTER_KEY).json().path("data"))
                    .as("one alert, however often it is crossed in the period").hasSize(1));
            assertThat(deliveries(endpointId)).hasSize(1);
            assertThat(receiver.received()).hasSize(3);
        }
    }

    @Test
    void answersToAUserPastAWarningThresholdCarryTheBudgetWarning() {
        Setup setup = setup();
        Http.Response before = spend(setup);
        assertThat(before.header("x-tollgate-budget-warning")).isNull();
        threshold(setup, 10);
        await().atMost(Duration.ofSeconds(10)).until(() -> http()
                .get("/admin/alerts?team_id=" + setup.teamId(), MASTER_KEY).json().path("data").size() == 1);

        Http.Response after = spend(setup);
        assertThat(after.header("x-tollgate-budget-warning")).startsWith("user;percent=10;resets=");

        Setup other = setup();
        assertThat(spend(other).header("x-tollgate-budget-warning")).as("another user's answers").isNull();
    }

    @Test
    void aDeliveryWhoseRetriesRunOutIsADeadLetterAndAnAdminRedeliversIt() {
        try (WebhookReceiver receiver = new WebhookReceiver().otherwise(503)) {
            Setup setup = setup();
            String endpointId = registerWebhook(receiver.url(), List.of(setup.teamId()))
                    .path("endpoint").path("id").asText();
            spend(setup);
            threshold(setup, 10);

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(http()
                    .get("/admin/webhooks/dead-letters", MASTER_KEY).json().path("data")
                    .findValuesAsText("endpoint_id")).contains(endpointId));
            JsonNode dead = deliveries(endpointId).get(0);
            assertThat(dead.path("state").asText()).isEqualTo("dead");
            assertThat(dead.path("attempts").asInt()).as("retried with backoff before it died").isGreaterThan(3);
            assertThat(dead.path("log").findValuesAsText("status")).allMatch(status -> status.equals("503"));

            receiver.otherwise(200);
            Http.Response redelivered = http().post("/admin/webhooks/deliveries/" + dead.path("id").asLong()
                    + "/redeliver", MASTER_KEY, Map.of());
            assertThat(redelivered.status()).as(redelivered.body()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(deliveries(endpointId).path(0).path("state").asText()).isEqualTo("delivered"));
        }
    }

    @Test
    void aDeliveryLeasedByANodeThatDiedIsSentOnceTheLeaseEnds() {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            Setup setup = setup();
            JsonNode registered = registerWebhook(receiver.url(), List.of(setup.teamId()));
            String endpointId = registered.path("endpoint").path("id").asText();
            // what a node leaves behind when it dies (kill -9) after leasing a delivery and before recording it
            Instant now = Instant.now();
            String alertId = setup.teamId() + "/crash/team/" + now;
            dsl.execute("INSERT INTO webhook_deliveries (alert_id, endpoint_id, team_id, event_type, payload, state, "
                    + "attempts, created_at, next_attempt_at, retry_from, lease_until) "
                    + "VALUES (?, ?, ?, 'budget.threshold_crossed', '{}', 'pending', 0, ?, ?, ?, ?)",
                    alertId, endpointId, setup.teamId(), java.sql.Timestamp.from(now), java.sql.Timestamp.from(now),
                    java.sql.Timestamp.from(now), java.sql.Timestamp.from(now.plusSeconds(3)));

            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                    .until(() -> receiver.received().isEmpty()); // nobody sends it while the lease runs
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(deliveries(endpointId).path(0).path("state").asText()).isEqualTo("delivered"));
            assertThat(receiver.received()).singleElement()
                    .satisfies(r -> assertThat(r.header("Idempotency-Key")).isEqualTo(alertId));
        }
    }

    @Test
    void theSigningSecretIsShownOnceAndNeverStoredInClear() {
        Setup setup = setup();
        JsonNode registered = registerWebhook("http://127.0.0.1:9/never", List.of(setup.teamId()));
        String secret = registered.path("secret").asText();
        String endpointId = registered.path("endpoint").path("id").asText();
        assertThat(secret).startsWith("whsec_");
        assertThat(registered.path("endpoint").path("secret_fingerprint").asText())
                .isEqualTo(WebhookSecrets.fingerprint(secret));

        String listed = http().get("/admin/webhooks", MASTER_KEY).body();
        assertThat(listed).contains(endpointId).doesNotContain(secret);
        await().atMost(Duration.ofSeconds(10)).until(() -> http().get("/audit?entity=webhook:" + endpointId,
                MASTER_KEY).json().path("data").size() == 1);
        assertThat(http().get("/audit?entity=webhook:" + endpointId, MASTER_KEY).body()).doesNotContain(secret);
        assertThat(dsl.fetchCount(dsl.selectFrom("domainevententry")
                .where("convert_from(payload, 'UTF8') LIKE ?", "%" + secret + "%"))).isZero();
        assertThat(dsl.fetchCount(dsl.selectFrom("webhook_secrets")
                .where("position(convert_to(?, 'UTF8') in ciphertext) > 0", secret))).isZero();
        assertThat(dsl.fetchCount(dsl.selectFrom("webhook_secrets").where("endpoint_id = ?", endpointId)))
                .isEqualTo(1);
    }

    @Test
    void webhooksGoOnlyToAddressesTheOperatorAllows() {
        for (String url : List.of("http://10.0.0.1/hook", "http://localhost:8080/hook", "http://169.254.169.254/",
                "file:///etc/passwd")) {
            Http.Response refused = http().post("/admin/webhooks", MASTER_KEY,
                    Map.of("url", url, "reason", "probe"));
            assertThat(refused.status()).as(url + ": " + refused.body()).isEqualTo(400);
            assertThat(refused.json().path("error").path("param").asText()).isEqualTo("url");
        }
    }

    @Test
    void managersSetThresholdsAndRegisterWebhooksForTheirTeamsOnly() {
        Setup mine = setup();
        Setup theirs = setup();
        Credential manager = newCredential("manager", List.of(mine.teamId()), null);
        Map<String, Object> body = new HashMap<>(Map.of("scope", "team", "percent", 50, "reason", "mine"));
        body.put("team_id", mine.teamId());
        assertThat(http().post("/admin/thresholds", manager.secret(), body).status()).isEqualTo(201);
        body.put("team_id", theirs.teamId());
        assertThat(http().post("/admin/thresholds", manager.secret(), body).status()).isEqualTo(403);
        assertThat(http().post("/admin/webhooks", manager.secret(), Map.of("url", "http://127.0.0.1:9/x",
                "reason", "every team")).status()).as("every team's alerts: admins only").isEqualTo(403);
        assertThat(http().post("/admin/webhooks", manager.secret(), Map.of("url", "http://127.0.0.1:9/x",
                "teams", List.of(mine.teamId()), "reason", "mine")).status()).isEqualTo(201);
        assertThat(http().get("/admin/thresholds", manager.secret()).json().path("data").findValuesAsText("team_id"))
                .containsOnly(mine.teamId());
    }
}
