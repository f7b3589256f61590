package dev.tollgate.edge.alert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.support.RunningGateway;
import dev.tollgate.edge.support.WebhookReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Nothing is lost when Tollgate stops in the middle of a delivery: the delivery is a row of the outbox, written with
 * the alert. Whether the stopping node still records the interrupted attempt as failed (its connection closed) or
 * stops before it can (then only its lease remains, and ends), the restarted Tollgate sends the delivery again (same
 * idempotency id, signed with the secret decrypted by the new process) and it is delivered. The budget warning of
 * the user is back too, read from the alerts.
 */
class WebhookRestartTest {

    static final String MASTER = "restart-master-key-0123456789";

    @TempDir
    Path dataDir;

    @Test
    void aDeliveryInFlightWhenTollgateStopsIsDeliveredAfterTheRestart() {
        try (WebhookReceiver receiver = new WebhookReceiver().script(WebhookReceiver.HANG)) {
            String key;
            String secret;
            String endpointId;
            try (RunningGateway first = start()) {
                Http http = first.http();
                assertThat(http.post("/admin/teams", MASTER, Map.of("id", "lab", "budget",
                        Map.of("limit", "100", "period", "monthly"))).status()).isEqualTo(201);
                assertThat(http.post("/admin/users", MASTER, Map.of("id", "ada", "team_id", "lab",
                        "budget", Map.of("limit", "0.01", "period", "monthly"))).status()).isEqualTo(201);
                key = http.post("/admin/keys", MASTER, Map.of("user_id", "ada")).json().path("key").asText();
                JsonNode registered = http.post("/admin/webhooks", MASTER, Map.of("url", receiver.url(),
                        "teams", List.of("lab"), "reason", "lab alerts")).json();
                secret = registered.path("secret").asText();
                endpointId = registered.path("endpoint").path("id").asText();
                assertThat(http.post("/admin/thresholds", MASTER, Map.of("team_id", "lab", "scope", "user",
                        "subject", "ada", "percent", 10, "reason", "warn")).status()).isEqualTo(201);
                assertThat(chat(http, key).status()).isEqualTo(200);

                await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received().size() == 1);
                // Tollgate stops while the receiver has not answered
            }

            try (RunningGateway second = start()) {
                Http http = second.http();
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(http
                        .get("/admin/webhooks/deliveries?endpoint_id=" + endpointId, MASTER).json()
                        .path("data").path(0).path("state").asText()).isEqualTo("delivered"));

                List<WebhookReceiver.Received> received = receiver.received();
                assertThat(received).hasSizeGreaterThanOrEqualTo(2);
                assertThat(received).extracting(r -> r.header("Idempotency-Key")).containsOnly(
                        received.get(0).header("Idempotency-Key"));
                assertThat(received).allSatisfy(r -> assertThat(WebhookSignature.verify(
                        r.header("X-Tollgate-Signature"), secret, r.body(), Instant.now(), Duration.ofMinutes(5)))
                        .isTrue());
                assertThat(http.get("/admin/alerts?team_id=lab", MASTER).json().path("data")).hasSize(1);

                await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                        assertThat(chat(http, key).headers().firstValue("x-tollgate-budget-warning"))
                                .hasValueSatisfying(value -> assertThat(value).startsWith("user;percent=10")));
            }
        }
    }

    private RunningGateway start() {
        return RunningGateway.start(List.of("test"), "tollgate.data-dir=" + dataDir, "tollgate.master-key=" + MASTER,
                "tollgate.alerts.timeout=60s", "tollgate.alerts.lease=2s", "tollgate.alerts.retry-for=10m");
    }

    private static Http.Response chat(Http http, String key) {
        return http.post("/v1/chat/completions", key, Map.of("model", "gpt-test", "max_tokens", 1000,
                "messages", List.of(Map.of("role", "user", "content", "hello"))));
    }
}
