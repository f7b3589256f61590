package dev.tollgate.edge.alert;

import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.support.WebhookReceiver;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static dev.tollgate.readmodel.Tables.WEBHOOK_SECRETS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Registrations of one endpoint id racing: one wins (the event store accepts one registration of an id) and its
 * caller's secret is the one deliveries are signed with; every other caller is told {@code 409} and is never shown a
 * secret, nor does theirs replace the winner's.
 */
class ConcurrentWebhookRegistrationTest extends GatewayTestSupport {

    private static final int RACERS = 12;

    @Test
    void ofRacingRegistrationsOneWinsTheOthersAre409AndDeliveriesAreSignedWithTheWinnersSecret() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            String teamId = newTeam(null, "0.01", "clamp");
            String userId = newUser(teamId, null);
            String key = newUserKey(userId, List.of("gpt-test"));
            String endpointId = unique("webhook");
            Map<String, Object> body = Map.of("id", endpointId, "url", receiver.url(), "teams", List.of(teamId),
                    "reason", "course office");

            ExecutorService pool = Executors.newFixedThreadPool(RACERS);
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<Http.Response>> racing = new ArrayList<>();
            try {
                for (int i = 0; i < RACERS; i++) {
                    racing.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            start.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException(e);
                        }
                        return http().post("/admin/webhooks", MASTER_KEY, body);
                    }, pool));
                }
                start.countDown();
                CompletableFuture.allOf(racing.toArray(CompletableFuture[]::new)).join();
            } finally {
                pool.shutdown();
            }
            List<Http.Response> winners = new ArrayList<>();
            for (CompletableFuture<Http.Response> registration : racing) {
                Http.Response answer = registration.join();
                assertThat(answer.status()).as(answer.body()).isIn(201, 409);
                if (answer.status() == 201) {
                    winners.add(answer);
                } else {
                    assertThat(answer.json().path("error").path("code").asText()).isEqualTo("conflict");
                    assertThat(answer.body()).doesNotContain("whsec_");
                }
            }
            assertThat(winners).as("exactly one registration wins").hasSize(1);
            String secret = winners.get(0).json().path("secret").asText();
            assertThat(winners.get(0).json().path("endpoint").path("secret_fingerprint").asText())
                    .isEqualTo(WebhookSecrets.fingerprint(secret));
            assertThat(dsl.select(WEBHOOK_SECRETS.SECRET_FINGERPRINT).from(WEBHOOK_SECRETS)
                    .where(WEBHOOK_SECRETS.ENDPOINT_ID.eq(endpointId)).fetch(WEBHOOK_SECRETS.SECRET_FINGERPRINT))
                    .as("the losers' secrets are forgotten").containsExactly(WebhookSecrets.fingerprint(secret));

            Http.Response set = http().post("/admin/thresholds", MASTER_KEY, Map.of("team_id", teamId,
                    "scope", "user", "subject", userId, "percent", 10, "reason", "warn the student"));
            assertThat(set.status()).as(set.body()).isEqualTo(201);
            Http.Response spent = chat(key, "gpt-test", Map.of("max_tokens", 1000));
            assertThat(spent.status()).as(spent.body()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> !receiver.received().isEmpty());
            WebhookReceiver.Received delivered = receiver.received().get(0);
            assertThat(WebhookSignature.verify(delivered.header(WebhookSignature.HEADER), secret, delivered.body(),
                    Instant.now(), Duration.ofMinutes(5))).as("signed with the secret its registrar was shown")
                    .isTrue();
        }
    }
}
